#!/bin/sh
# A vault password script, as Ansible runs them: the password is what it prints.
echo rigger-vault-test
