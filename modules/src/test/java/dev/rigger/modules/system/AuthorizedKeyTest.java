package dev.rigger.modules.system;

import static dev.rigger.modules.system.PlanContext.DIFF;
import static dev.rigger.modules.system.PlanContext.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.modules.system.AuthorizedKey.KeyFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AuthorizedKeyTest {
    private static final String ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1 alice@laptop";
    private static final String ED_NEW_COMMENT = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1 alice@desktop";
    private static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABKey2== bob";
    private static final String ECDSA = "from=\"10.0.0.0/8\",command=\"echo a b\" ecdsa-sha2-nistp256 AAAAE2VjZHNhKey3= ci";
    private static final String PATH = "/home/alice/.ssh/authorized_keys";

    private static KeyFile file(String... lines) {
        return new KeyFile("1001:1001", PATH, "700 1001:1001", "600 1001:1001", List.of(lines));
    }

    private static final KeyFile NO_FILE = new KeyFile("1001:1001", PATH, "700 1001:1001", null, List.of());
    private static final KeyFile NO_DIR = new KeyFile("1001:1001", PATH, null, null, List.of());

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static Plan plan(AuthorizedKey spec, KeyFile state) {
        Plan plan = spec.plan(state, PLAIN);
        if (plan.hasChanges()) assertThat(PlanContext.syntaxErrors(plan.applyScript())).isEmpty();
        return plan;
    }

    private static String stdin(Plan p) {
        return new String(p.applyInput().readAll(), StandardCharsets.UTF_8);
    }

    @Nested
    class KeyIdentity {
        @Test
        void typeAndBlobIdentifyAKeyWhateverItsOptionsAndComment() {
            assertThat(AuthorizedKey.identity(ED)).contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1");
            assertThat(AuthorizedKey.identity(ED_NEW_COMMENT)).isEqualTo(AuthorizedKey.identity(ED));
            assertThat(AuthorizedKey.identity(ECDSA)).contains("ecdsa-sha2-nistp256 AAAAE2VjZHNhKey3=");
            assertThat(AuthorizedKey.identity("command=\"ssh-rsa AAAA fake\" ssh-ed25519 AAAAreal x")).contains("ssh-ed25519 AAAAreal");
            assertThat(AuthorizedKey.identity("sk-ssh-ed25519@openssh.com AAAAGnNr yubikey")).contains("sk-ssh-ed25519@openssh.com AAAAGnNr");
            assertThat(AuthorizedKey.identity("# a comment")).isEqualTo(Optional.empty());
            assertThat(AuthorizedKey.identity("hello world")).isEmpty();
        }

        @Test
        void keyParameterSplitsLinesAndRefusesNonKeys() {
            AuthorizedKey k = new AuthorizedKey("alice", List.of(ED + "\n\n# laptop\n" + RSA + "\r\n"), true, false, null, true);
            assertThat(k.keys()).containsExactly(ED, RSA);
            assertThatThrownBy(() -> AuthorizedKey.present("alice", "not a key").build()).hasMessageContaining("key: not an SSH public key line");
            assertThatThrownBy(() -> AuthorizedKey.present("alice", "\n# only a comment\n").build()).hasMessageContaining("no public key given");
        }
    }

    @Nested
    class Content {
        @Test
        void presentKeyAlreadyThereIsUnchanged() {
            assertThat(plan(AuthorizedKey.present("alice", ED).build(), file(RSA, ED)).hasChanges()).isFalse();
        }

        @Test
        void missingKeyIsAppendedKeepingOtherLinesVerbatim() {
            Plan p = plan(AuthorizedKey.present("alice", ED).build(), file("# managed by hand", RSA));
            assertThat(summaries(p)).containsExactly("update " + PATH + ": 1 line(s) added, 0 removed");
            assertThat(stdin(p)).isEqualTo("# managed by hand\n" + RSA + "\n" + ED + "\n");
        }

        @Test
        void keyWithNewCommentOrOptionsReplacesItsLineInPlace() {
            Plan p = plan(AuthorizedKey.present("alice", ED_NEW_COMMENT).build(), file(ED, RSA, ED));
            assertThat(stdin(p)).isEqualTo(ED_NEW_COMMENT + "\n" + RSA + "\n");
        }

        @Test
        void exclusiveLeavesExactlyTheGivenKeys() {
            Plan p = plan(AuthorizedKey.exclusive("alice", RSA + "\n" + ED).build(), file("# hand", ED, ECDSA));
            assertThat(stdin(p)).isEqualTo(RSA + "\n" + ED + "\n");
            assertThat(plan(AuthorizedKey.exclusive("alice", RSA + "\n" + ED).build(), file(RSA, ED)).hasChanges()).isFalse();
        }

        @Test
        void absentRemovesEveryCopyAndNothingElse() {
            Plan p = plan(AuthorizedKey.absent("alice", ED_NEW_COMMENT).build(), file(ED, RSA, ED));
            assertThat(summaries(p)).containsExactly("update " + PATH + ": 0 line(s) added, 2 removed");
            assertThat(stdin(p)).isEqualTo(RSA + "\n");
            assertThat(plan(AuthorizedKey.absent("alice", ED).build(), file(RSA)).hasChanges()).isFalse();
            assertThat(plan(AuthorizedKey.absent("alice", ED).build(), NO_DIR).hasChanges()).isFalse();
        }

        @Test
        void fileIsWrittenAtomicallyWithMode0600AndTheUserAsOwner() {
            Plan p = plan(AuthorizedKey.present("alice", ED).build(), NO_FILE);
            assertThat(summaries(p)).containsExactly("create " + PATH + ": 1 line(s) added, 0 removed");
            assertThat(p.applyScript()).contains("target='" + PATH + "'").contains("mktemp").contains("chmod 0600 -- \"$tmp\"")
                    .contains("chown '1001:1001' -- \"$tmp\"").contains("mv -f -- \"$tmp\" \"$target\"");
            assertThat(stdin(p)).isEqualTo(ED + "\n");
        }

        @Test
        void diffModeShowsTheKeysDiff() {
            Plan p = AuthorizedKey.present("alice", ED).build().plan(file(RSA), DIFF);
            assertThat(p.changes().get(0).unifiedDiff()).hasValueSatisfying(d -> assertThat(d).contains("+" + ED).contains(" " + RSA));
        }
    }

    @Nested
    class Permissions {
        @Test
        void missingDirectoryIsCreated0700ForTheUser() {
            Plan p = plan(AuthorizedKey.present("alice", ED).build(), NO_DIR);
            assertThat(summaries(p)).containsExactly("create directory /home/alice/.ssh (700, owner alice)",
                    "create " + PATH + ": 1 line(s) added, 0 removed");
            assertThat(p.applyScript()).contains("mkdir -p -m 700 -- '/home/alice/.ssh'\nchown '1001:1001' -- '/home/alice/.ssh'");
        }

        @Test
        void wrongModesOrOwnersAreFixedWithoutRewriting() {
            KeyFile loose = new KeyFile("1001:1001", PATH, "755 0:0", "644 1001:1001", List.of(ED));
            Plan p = plan(AuthorizedKey.present("alice", ED).build(), loose);
            assertThat(summaries(p)).containsExactly("set mode 700 and owner alice on /home/alice/.ssh",
                    "set mode 600 and owner alice on " + PATH);
            assertThat(p.applyInput()).isNull();
            KeyFile unmanaged = new KeyFile("1001:1001", PATH, "755 0:0", "600 1001:1001", List.of(ED));
            assertThat(plan(new AuthorizedKey("alice", List.of(ED), true, false, null, false), unmanaged).hasChanges()).isFalse();
        }
    }

    @Nested
    class ProbeOutput {
        @Test
        void parsesStatsAndContent() {
            KeyFile f = KeyFile.parse(PlanContext.ok("user\t1001:1001\npath\t" + PATH + "\ndir\t700 1001:1001\nfile\t600 1001:1001\ncontent\n"
                    + ED + "\r\n" + RSA + "\n"), "alice");
            assertThat(f).isEqualTo(file(ED, RSA));
            KeyFile noNewline = KeyFile.parse(PlanContext.ok("user\t1:1\npath\t/p\nfile\t600 1:1\ncontent\n" + ED), "alice");
            assertThat(noNewline.lines()).containsExactly(ED);
            assertThat(noNewline.dirStat()).isNull();
        }

        @Test
        void missingUserIsAModuleError() {
            assertThatThrownBy(() -> KeyFile.parse(PlanContext.ok("no-such-user\n"), "alice"))
                    .isInstanceOf(ModuleException.class).hasMessage("user alice does not exist");
        }

        @Test
        void probeResolvesPathsAgainstTheHome() {
            String probe = new AuthorizedKey("root", List.of(ED), true, false, "~/.ssh/other keys", true).probe(PLAIN).script();
            KeyFile f = KeyFile.parse(PlanContext.run(probe, null), "root");
            assertThat(f.owner()).isEqualTo("0:0");
            assertThat(f.path()).endsWith("/.ssh/other keys");
            assertThat(PlanContext.syntaxErrors(AuthorizedKey.present("alice", ED).build().probe(PLAIN).script())).isEmpty();
        }
    }

    @Test
    void yamlBinding() {
        AuthorizedKey.Type type = new AuthorizedKey.Type();
        assertThat(type.create(Args.of("authorized_key", Map.of("user", "alice", "key", ED + "\n" + RSA, "exclusive", true))))
                .isEqualTo(AuthorizedKey.exclusive("alice", ED + "\n" + RSA).build());
        assertThat(type.create(Args.of("authorized_key", Map.of("user", "alice", "key", List.of(ED, RSA), "state", "absent"))))
                .isEqualTo(new AuthorizedKey("alice", List.of(ED, RSA), false, false, null, true));
        assertThatThrownBy(() -> type.create(Args.of("authorized_key", Map.of("user", "alice", "key", ED, "path", "relative"))))
                .isInstanceOf(InputException.class).hasMessageContaining("path: must be absolute");
    }
}
