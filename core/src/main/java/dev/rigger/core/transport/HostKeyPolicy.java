package dev.rigger.core.transport;

/** How an SSH host key is checked against known_hosts. */
public enum HostKeyPolicy {
    /** The key must already be in known_hosts (the default, as OpenSSH's StrictHostKeyChecking=yes). */
    STRICT,
    /** Unknown hosts are added to known_hosts; a changed key is still refused (OpenSSH's accept-new). */
    ACCEPT_NEW,
    /** No check at all (Ansible's host_key_checking=False). Only for throw-away hosts. */
    OFF
}
