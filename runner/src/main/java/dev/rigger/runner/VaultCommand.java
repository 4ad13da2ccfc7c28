package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.vault.Vault;
import dev.rigger.core.vault.VaultFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rigger vault create|encrypt|decrypt|view|edit|rekey|encrypt_string}: ansible-vault's everyday
 * commands, writing and reading the same bytes (see {@link VaultFormat}). Passwords come as for
 * {@code rigger play}: {@code --vault-password-file}, {@code --vault-id}, {@code --ask-vault-pass},
 * ANSIBLE_VAULT_PASSWORD_FILE and ansible.cfg.
 */
@Command(name = "vault", mixinStandardHelpOptions = true, description = "Encrypt and decrypt Ansible Vault files.",
        subcommands = {VaultCommand.Create.class, VaultCommand.Encrypt.class, VaultCommand.Decrypt.class, VaultCommand.View.class,
                VaultCommand.Edit.class, VaultCommand.Rekey.class, VaultCommand.EncryptString.class})
final class VaultCommand {
    private static final String STDIN = "-";
    /** Answers rekey's "New Vault password" without a terminal. */
    static final String ENV_NEW_PASSWORD = "RIGGER_NEW_VAULT_PASSWORD";

    /** The password flags and the choice of the password that encrypts. */
    static final class Passwords {
        @Mixin
        VaultPasswords sources = new VaultPasswords();

        @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", description = "Which --vault-id label encrypts when several are given.")
        String encryptLabel;

        List<Vault.Password> use() {
            Map<String, String> env = Main.Streams.env();
            List<Vault.Password> all = sources.read(AnsibleConfig.load(env, Path.of("").toAbsolutePath()), env);
            if (all.isEmpty()) {
                throw new InputException(SourceLocation.unknown("rigger vault"),
                        "no vault password given (--vault-password-file, --vault-id, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE)");
            }
            Vault.use(all);
            return all;
        }

        /** As ansible-vault: the one password given, or the one --encrypt-vault-id names. */
        Vault.Password forEncrypting() {
            List<Vault.Password> all = use();
            if (encryptLabel != null) {
                return all.stream().filter(p -> p.label().equals(encryptLabel)).findFirst().orElseThrow(() -> new InputException(
                        SourceLocation.unknown("--encrypt-vault-id"), "no --vault-id has the label '" + encryptLabel + "'"));
            }
            if (all.size() > 1) {
                throw new InputException(SourceLocation.unknown("--vault-id"), "several vault passwords are given; name the one to encrypt with --encrypt-vault-id");
            }
            return all.get(0);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Write a new vault file: open an empty file in $EDITOR (default vi), encrypt what was written.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The file to create; it must not exist.")
        String file;

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (Files.exists(Path.of(file))) throw new InputException(at(file), "file already exists (rigger vault edit changes it)");
            Vault.Password password = passwords.forEncrypting();
            byte[] plain = edited(file, new byte[0]);
            if (plain.length == 0) throw new InputException(at(file), "nothing was written in the editor; the file is not created");
            write(file, VaultFormat.encrypt(plain, password.password().reveal().getBytes(StandardCharsets.UTF_8), password.label())
                    .getBytes(StandardCharsets.UTF_8));
            return 0;
        }
    }

    @Command(name = "rekey", mixinStandardHelpOptions = true,
            description = "Encrypt vault files again with a new password (--new-vault-password-file, --new-vault-id, else asked).")
    static final class Rekey implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<String> files = new ArrayList<>();

        @Option(names = "--new-vault-password-file", paramLabel = "FILE", description = "The new password: the file's text, or what it prints when executable.")
        String newFile;

        @Option(names = "--new-vault-id", paramLabel = "[LABEL@]SOURCE", description = "The new password with its label (format 1.2); SOURCE is a file, a script or 'prompt'.")
        String newId;

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() {
            passwords.use();
            Vault.Password next = newPassword();
            // Every file is read before any is written: a wrong old password leaves all of them as they were.
            List<byte[]> plain = new ArrayList<>();
            for (String file : files) plain.add(decrypt(file).plaintext());
            byte[] pw = next.password().reveal().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < files.size(); i++) {
                write(files.get(i), VaultFormat.encrypt(plain.get(i), pw, next.label()).getBytes(StandardCharsets.UTF_8));
            }
            return 0;
        }

        /** As ansible-vault: --new-vault-id's label, else the default one (format 1.1); asked twice when no source is given. */
        private Vault.Password newPassword() {
            if (newFile != null && newId != null) {
                throw new InputException(SourceLocation.unknown("--new-vault-id"), "give --new-vault-password-file or --new-vault-id, not both");
            }
            Map<String, String> env = Main.Streams.env();
            String label = VaultPasswords.DEFAULT;
            String source = newFile;
            if (newId != null) {
                int at = newId.indexOf('@');
                label = at < 0 ? VaultPasswords.DEFAULT : newId.substring(0, at);
                source = at < 0 ? newId : newId.substring(at + 1);
            }
            String flag = newId != null ? "--new-vault-id " + newId : newFile != null ? "--new-vault-password-file " + newFile : "rigger vault rekey";
            if (source != null && !source.equals("prompt")) {
                return new Vault.Password(label, VaultPasswords.fromFile(AnsibleConfig.expandUser(source, env), label, flag));
            }
            Secret first = Prompt.password("New Vault password: ", flag, ENV_NEW_PASSWORD, env);
            if (first.reveal().isEmpty()) throw new InputException(SourceLocation.unknown(flag), "the new vault password is empty");
            if (!env.containsKey(ENV_NEW_PASSWORD)) {
                Secret again = Prompt.password("Confirm New Vault password: ", flag, ENV_NEW_PASSWORD, env);
                if (!again.reveal().equals(first.reveal())) throw new InputException(SourceLocation.unknown(flag), "the passwords do not match");
            }
            return new Vault.Password(label, first);
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, description = "Encrypt files in place (or standard input to --output).")
    static final class Encrypt implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Files to encrypt; none or '-' reads standard input.")
        List<String> files = new ArrayList<>();

        @Option(names = "--output", paramLabel = "FILE", description = "Write here instead ('-' for standard output).")
        String output;

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() {
            Vault.Password password = passwords.forEncrypting();
            for (String file : files.isEmpty() ? List.of(STDIN) : files) {
                byte[] plain = read(file);
                if (VaultFormat.isVault(new String(plain, StandardCharsets.UTF_8))) throw new InputException(at(file), "input is already encrypted");
                String text = VaultFormat.encrypt(plain, password.password().reveal().getBytes(StandardCharsets.UTF_8), password.label());
                write(output != null ? output : file, text.getBytes(StandardCharsets.UTF_8));
            }
            return 0;
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true, description = "Decrypt files in place (or to --output).")
    static final class Decrypt implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Files to decrypt; none or '-' reads standard input.")
        List<String> files = new ArrayList<>();

        @Option(names = "--output", paramLabel = "FILE", description = "Write here instead ('-' for standard output).")
        String output;

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() {
            passwords.use();
            for (String file : files.isEmpty() ? List.of(STDIN) : files) {
                write(output != null ? output : file, decrypt(file).plaintext());
            }
            return 0;
        }
    }

    @Command(name = "view", mixinStandardHelpOptions = true, description = "Print the plaintext of vault files.")
    static final class View implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<String> files = new ArrayList<>();

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() {
            passwords.use();
            for (String file : files) write(STDIN, decrypt(file).plaintext());
            return 0;
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = "Open the plaintext in $EDITOR (default vi); encrypt it again, same label and password, when it changed.")
    static final class Edit implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<String> files = new ArrayList<>();

        @Mixin
        Passwords passwords = new Passwords();

        @Override
        public Integer call() throws IOException, InterruptedException {
            passwords.use();
            for (String file : files) {
                Vault.Decrypted before = decrypt(file);
                String label = envelope(file).label();
                byte[] after = edited(file, before.plaintext());
                if (Arrays.equals(after, before.plaintext())) continue;
                byte[] password = before.password().password().reveal().getBytes(StandardCharsets.UTF_8);
                write(file, VaultFormat.encrypt(after, password, label).getBytes(StandardCharsets.UTF_8));
            }
            return 0;
        }

        private static VaultFormat.Envelope envelope(String file) {
            try {
                return VaultFormat.envelope(new String(read(file), StandardCharsets.UTF_8));
            } catch (VaultFormat.VaultException e) {
                throw new InputException(at(file), e.getMessage());
            }
        }
    }

    @Command(name = "encrypt_string", aliases = "encrypt-string", mixinStandardHelpOptions = true,
            description = "Encrypt strings as '!vault |' YAML values to paste into vars files.")
    static final class EncryptString implements Callable<Integer> {
        @Parameters(paramLabel = "STRING", description = "Strings to encrypt ('-' reads standard input).")
        List<String> strings = new ArrayList<>();

        @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Variable name for each string, in order; repeatable.")
        List<String> names = new ArrayList<>();

        @Option(names = "--stdin-name", paramLabel = "NAME", description = "Read the string from standard input and name it.")
        String stdinName;

        @Option(names = {"-p", "--prompt"}, description = "Ask for the string (without echo).")
        boolean prompt;

        @Option(names = "--output", paramLabel = "FILE", description = "Write here instead of standard output.")
        String output;

        @Mixin
        Passwords passwords = new Passwords();

        /** A string to encrypt and the variable name it gets, if any. */
        private record Input(String name, byte[] text) {}

        @Override
        public Integer call() {
            Vault.Password password = passwords.forEncrypting();
            List<Input> inputs = new ArrayList<>();
            if (prompt) inputs.add(new Input(null, nonEmpty(Prompt.password("String to encrypt (hidden): ", "--prompt", "RIGGER_VAULT_STRING", Main.Streams.env())
                    .reveal().getBytes(StandardCharsets.UTF_8), "--prompt")));
            List<String> args = strings.stream().filter(s -> !s.equals(STDIN)).toList();
            if (stdinName != null || strings.contains(STDIN)) inputs.add(new Input(stdinName, nonEmpty(read(STDIN), "standard input")));
            for (int i = 0; i < args.size(); i++) {
                inputs.add(new Input(i < names.size() ? names.get(i) : null, nonEmpty(args.get(i).getBytes(StandardCharsets.UTF_8), "STRING")));
            }
            byte[] pw = password.password().reveal().getBytes(StandardCharsets.UTF_8);
            List<String> blocks = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Input input = inputs.get(i);
                if (inputs.size() > 1) {
                    // As ansible-vault: which block is which goes to stderr, so stdout stays pasteable YAML.
                    Main.Streams.err().print(input.name() != null
                            ? "# The encrypted version of variable (\"" + input.name() + "\", the string #" + (i + 1) + ").\n"
                            : "# The encrypted version of the string #" + (i + 1) + ".\n");
                }
                StringBuilder block = new StringBuilder(input.name() != null ? input.name() + ": " : "").append("!vault |");
                for (String line : VaultFormat.encrypt(input.text(), pw, password.label()).split("\n")) block.append("\n          ").append(line);
                blocks.add(block.toString());
            }
            // No line feed after the last line: ansible-vault writes exactly this.
            write(output != null ? output : STDIN, String.join("\n", blocks).getBytes(StandardCharsets.UTF_8));
            return 0;
        }

        private static byte[] nonEmpty(byte[] text, String from) {
            if (text.length == 0) throw new InputException(SourceLocation.unknown(from), "the string to encrypt is empty");
            return text;
        }
    }

    /**
     * The text after {@code $EDITOR} (default vi) edited {@code plain} in a private temporary file
     * named like {@code file} (so the editor picks its syntax). The plaintext does not stay on
     * disk: overwritten, then removed, as ansible-vault shreds it.
     */
    private static byte[] edited(String file, byte[] plain) throws IOException, InterruptedException {
        String name = Path.of(file).getFileName().toString();
        Path temp = Files.createTempFile("rigger-vault-", name.contains(".") ? name.substring(name.lastIndexOf('.')) : "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, plain);
            List<String> command = new ArrayList<>(List.of(Main.Streams.env().getOrDefault("EDITOR", "vi").trim().split("\\s+")));
            command.add(temp.toString());
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) throw new InputException(at(file), "the editor exited with " + exit + "; the file is unchanged");
            return Files.readAllBytes(temp);
        } finally {
            Files.write(temp, new byte[(int) Files.size(temp)]);
            Files.delete(temp);
        }
    }

    private static Vault.Decrypted decrypt(String file) {
        String text = new String(read(file), StandardCharsets.UTF_8);
        if (!VaultFormat.isVault(text)) throw new InputException(at(file), "input is not vault encrypted data");
        return Vault.decryptBytes(text, at(file));
    }

    private static SourceLocation at(String file) {
        return SourceLocation.unknown(file.equals(STDIN) ? "standard input" : file);
    }

    private static byte[] read(String file) {
        try {
            return file.equals(STDIN) ? Main.Streams.in().readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new InputException(at(file), "cannot read: " + e.getMessage());
        }
    }

    private static void write(String file, byte[] data) {
        if (file.equals(STDIN)) {
            PrintStream out = Main.Streams.out();
            out.write(data, 0, data.length);
            out.flush();
            return;
        }
        try {
            Files.write(Path.of(file), data);
        } catch (IOException e) {
            throw new InputException(at(file), "cannot write: " + e.getMessage());
        }
    }
}
