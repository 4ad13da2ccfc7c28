package dev.rigger.modules.storage;

import dev.rigger.core.module.Args;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Small text helpers shared by the storage modules. */
final class StorageText {
    private StorageText() {}

    /**
     * The parameter an {@link IllegalArgumentException} from a record's constructor names
     * ({@code "iqn: ..."} → {@code iqn}), so the YAML error points at that argument.
     */

    /**
     * Addresses from a parameter that holds strings or inventory hosts: a host (a mapping as
     * {@code group_hosts} gives them) stands for its {@code ansible_host}, so a role can pass a whole
     * group. A single string may be comma-separated, as Ansible's lists.
     */
    static List<String> addresses(Args args, String name) {
        Object raw = args.raw(name);
        if (!(raw instanceof List<?> list)) return args.stringList(name);
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> host) {
                Object address = host.get("ansible_host") != null ? host.get("ansible_host") : host.get("name");
                if (address == null) throw args.error(name, "'" + name + "': a host given as a mapping needs ansible_host or name");
                out.add(String.valueOf(address));
            } else {
                out.add(String.valueOf(o));
            }
        }
        return List.copyOf(out);
    }

    /** A string parameter where an empty value means "not given" (roles pass {@code ""} for "no CHAP"). */
    static String optional(Args args, String name) {
        return args.optionalString(name).filter(v -> !v.isEmpty()).orElse(null);
    }

    /**
     * SHA-256 in hex, as {@code sha256sum} prints it. Probes compare files that hold a secret by
     * this digest, so the secret itself never travels back in a probe's output.
     */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
