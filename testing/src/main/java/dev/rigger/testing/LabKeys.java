package dev.rigger.testing;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A fresh ed25519 key pair per lab: the private key in a 0600 file, the public key as an authorized_keys line. */
record LabKeys(Path privateKeyFile, String publicKeyLine) {

    static LabKeys generate(Path dir, String comment) {
        try {
            KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ED25519);
            Path keyFile = dir.resolve("id_ed25519");
            ByteArrayOutputStream priv = new ByteArrayOutputStream();
            pair.writeOpenSSHv1PrivateKey(priv, null);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(keyFile, priv.toByteArray());
            ByteArrayOutputStream pub = new ByteArrayOutputStream();
            pair.writePublicKey(pub, comment);
            pair.dispose();
            return new LabKeys(keyFile, pub.toString(StandardCharsets.UTF_8).trim());
        } catch (JSchException e) {
            throw new IllegalStateException("cannot generate the lab's ed25519 key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
