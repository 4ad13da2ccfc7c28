package dev.rigger.modules.system;

import static dev.rigger.modules.system.PlanContext.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import dev.rigger.modules.system.User.GroupRef;
import dev.rigger.modules.system.User.UserState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserTest {
    private static final String HASH = "$6$saltsalt$3XzVZ1pLh0Gk2mJ7GqN5b0kq2y0b7b1pQyXo9S0H8B3cXQm1Jb1b2Qf0lE0f1a1Xq0y7y8z9Z0a1b2c3d4e5f6";
    private static final Map<String, GroupRef> GROUPS = Map.of(
            "alice", new GroupRef("alice", 1001), "sudo", new GroupRef("sudo", 27), "adm", new GroupRef("adm", 4),
            "staff", new GroupRef("staff", 50), "50", new GroupRef("staff", 50));

    /** alice, uid 1001, primary group alice, in sudo; password hash HASH. */
    private static UserState alice(List<String> groups) {
        return new UserState(true, 1001, 1001, "Alice", "/home/alice", "/bin/bash", "alice", groups, User.sha256(HASH), GROUPS);
    }

    private static final UserState ALICE = alice(List.of("alice", "sudo"));

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static Plan plan(User spec, UserState state) {
        Plan plan = spec.plan(state, PLAIN);
        if (plan.hasChanges()) assertThat(PlanContext.syntaxErrors(plan.applyScript())).isEmpty();
        return plan;
    }

    @Nested
    class Creation {
        @Test
        void createsWithEveryGivenAttributeInOneUseradd() {
            Plan p = plan(User.named("alice").uid(1500).group("staff").groups(List.of("sudo", "adm")).shell("/bin/bash")
                    .comment("Alice O'Hara").home("/srv/alice").build(), UserState.absent(GROUPS));
            assertThat(summaries(p)).containsExactly(
                    "create user alice (uid 1500, group staff, groups sudo,adm, home /srv/alice, shell /bin/bash, comment 'Alice O'Hara')");
            assertThat(p.applyScript()).contains("'useradd' '-u' '1500' '-g' 'staff' '-G' 'sudo,adm' '-d' '/srv/alice' '-m' '-s' '/bin/bash' "
                    + "'-c' 'Alice O'\\''Hara' '--' 'alice'");
            assertThat(p.applyInput()).isNull();
        }

        @Test
        void systemUserWithoutHome() {
            Plan p = plan(User.named("svc").system(true).createHome(false).build(), UserState.absent(Map.of()));
            assertThat(p.applyScript()).contains("'useradd' '-r' '-M' '--' 'svc'");
        }

        @Test
        void passwordGoesOnStdinOfChpasswdAndNowhereElse() {
            Plan p = plan(User.named("alice").password(Secret.of(HASH)).build(), UserState.absent(Map.of()));
            assertThat(summaries(p)).containsExactly("create user alice", "set password of alice");
            assertThat(p.applyScript()).contains("chpasswd -e").doesNotContain(HASH).doesNotContain("saltsalt");
            assertThat(new String(p.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("alice:" + HASH + "\n");
            assertThat(p.changes().toString()).doesNotContain("saltsalt");
        }

        @Test
        void missingGroupIsAModuleErrorNamingIt() {
            assertThatThrownBy(() -> plan(User.named("alice").groups(List.of("sudo", "wheel")).build(), UserState.absent(GROUPS)))
                    .isInstanceOf(ModuleException.class).hasMessage("group 'wheel' does not exist");
        }
    }

    @Nested
    class Existing {
        @Test
        void matchingUserIsUnchanged() {
            User same = User.named("alice").uid(1001).group("alice").groups(List.of("sudo")).home("/home/alice").shell("/bin/bash")
                    .comment("Alice").password(Secret.of(HASH)).build();
            assertThat(plan(same, ALICE).hasChanges()).isFalse();
            assertThat(plan(User.named("alice").build(), ALICE).hasChanges()).isFalse();
        }

        @Test
        void differencesGoIntoOneUsermod() {
            Plan p = plan(User.named("alice").uid(1500).shell("/bin/sh").comment("A. Liddell").home("/srv/alice").build(), ALICE);
            assertThat(summaries(p)).containsExactly("set uid of alice: 1001 → 1500", "set home of alice: /home/alice → /srv/alice",
                    "set shell of alice: /bin/bash → /bin/sh", "set comment of alice: 'Alice' → 'A. Liddell'");
            assertThat(p.applyScript()).contains("'usermod' '-u' '1500' '-d' '/srv/alice' '-s' '/bin/sh' '-c' 'A. Liddell' '--' 'alice'");
        }

        @Test
        void primaryGroupByNameOrId() {
            assertThat(summaries(plan(User.named("alice").group("staff").build(), ALICE)))
                    .containsExactly("set primary group of alice: alice → staff");
            assertThat(plan(User.named("alice").group("50").build(), ALICE).applyScript()).contains("'-g' '50'");
            UserState inStaff = new UserState(true, 1001, 50, "", "/home/alice", "/bin/bash", "staff", List.of("staff", "sudo"), null, GROUPS);
            assertThat(plan(User.named("alice").group("50").build(), inStaff).hasChanges()).isFalse();
        }

        @Test
        void groupsAreExactUnlessAppending() {
            Plan exact = plan(User.named("alice").groups(List.of("adm")).build(), ALICE);
            assertThat(summaries(exact)).containsExactly("set groups of alice: sudo → adm");
            assertThat(exact.applyScript()).contains("'usermod' '-G' 'adm' '--' 'alice'");

            Plan append = plan(User.named("alice").groups(List.of("adm", "sudo")).append(true).build(), ALICE);
            assertThat(summaries(append)).containsExactly("add alice to groups adm");
            assertThat(append.applyScript()).contains("'usermod' '-a' '-G' 'adm' '--' 'alice'");

            assertThat(plan(User.named("alice").groups(List.of("sudo")).append(true).build(), alice(List.of("alice", "sudo", "adm"))).hasChanges())
                    .isFalse();
        }

        @Test
        void emptyGroupListRemovesEverySupplementaryGroup() {
            Plan p = plan(User.named("alice").groups(List.of()).build(), ALICE);
            assertThat(summaries(p)).containsExactly("set groups of alice: sudo → (none)");
            assertThat(p.applyScript()).contains("'usermod' '-G' '' '--' 'alice'");
        }

        @Test
        void thePrimaryGroupListedAmongGroupsIsNoDifference() {
            assertThat(plan(User.named("alice").groups(List.of("alice", "sudo")).build(), ALICE).hasChanges()).isFalse();
        }

        @Test
        void passwordChangesOnlyWhenTheStoredHashDiffers() {
            String other = "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012";
            Plan p = plan(User.named("alice").password(Secret.of(other)).build(), ALICE);
            assertThat(summaries(p)).containsExactly("set password of alice");
            assertThat(p.applyScript()).isEqualTo("set -e\nchpasswd -e\n");
            assertThat(new String(p.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("alice:" + other + "\n");
            assertThat(plan(User.named("alice").password(Secret.of(other)).updatePasswordOnCreateOnly().build(), ALICE).hasChanges()).isFalse();
        }

        @Test
        void unreadableShadowIsAClearError() {
            UserState noShadow = new UserState(true, 1001, 1001, "", "/home/alice", "/bin/bash", "alice", List.of("alice"), null, GROUPS);
            assertThatThrownBy(() -> plan(User.named("alice").password(Secret.of(HASH)).build(), noShadow))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("become: true");
        }

        @Test
        void absentRemovesOnlyAnExistingUser() {
            assertThat(plan(User.absent("alice", true).build(), ALICE).applyScript()).isEqualTo("userdel -r -- 'alice'\n");
            assertThat(plan(User.absent("alice", false).build(), ALICE).applyScript()).isEqualTo("userdel -- 'alice'\n");
            assertThat(plan(User.absent("alice", true).build(), UserState.absent(Map.of())).hasChanges()).isFalse();
        }
    }

    @Nested
    class ProbeOutput {
        @Test
        void parsesPasswdGroupsShadowAndRequestedGroups() {
            UserState s = UserState.parse(PlanContext.ok("passwd\talice:x:1001:1001:Alice,,,:/home/alice:/bin/bash\n"
                    + "primary\talice\ngroups\talice sudo adm\nshadow\tABCDEF\n"
                    + "group\tsudo\tsudo:x:27:alice\ngroup\t50\tstaff:x:50:\nnogroup\twheel\n"));
            assertThat(s.exists()).isTrue();
            assertThat(s.uid()).isEqualTo(1001);
            assertThat(s.comment()).isEqualTo("Alice,,,");
            assertThat(s.shell()).isEqualTo("/bin/bash");
            assertThat(s.supplementaryGroups("alice")).containsExactly("sudo", "adm");
            assertThat(s.passwordDigest()).isEqualTo("abcdef");
            assertThat(s.knownGroups()).containsOnlyKeys("sudo", "50").containsEntry("50", new GroupRef("staff", 50));
        }

        @Test
        void absentUserStillKnowsTheRequestedGroups() {
            UserState s = UserState.parse(PlanContext.ok("absent\ngroup\tsudo\tsudo:x:27:\n"));
            assertThat(s.exists()).isFalse();
            assertThat(s.knownGroups()).containsKey("sudo");
        }

        @Test
        void unreadableShadowLeavesNoDigest() {
            assertThat(UserState.parse(PlanContext.ok("passwd\ta:x:1:1::/:/bin/sh\nprimary\ta\ngroups\ta\nshadow-unreadable\n")).passwordDigest())
                    .isNull();
        }

        @Test
        void probeOfThisMachinesRootUserParses() {
            User spec = User.named("root").groups(List.of("root")).build();
            String script = spec.probe(PLAIN).script();
            UserState s = UserState.parse(PlanContext.run(script, null));
            assertThat(s.exists()).isTrue();
            assertThat(s.uid()).isZero();
            assertThat(s.knownGroups()).containsEntry("root", new GroupRef("root", 0));
        }

        @Test
        void probeAgainstStubbedAccountDatabaseDigestsTheShadowHashLikeJava(@TempDir Path bin) throws IOException {
            stub(bin, "getent", """
                    #!/bin/sh
                    case "$1:$3" in
                      passwd:alice) echo 'alice:x:1001:1001:Alice:/home/alice:/bin/bash' ;;
                      group:1001|group:alice) echo 'alice:x:1001:' ;;
                      group:sudo) echo 'sudo:x:27:alice' ;;
                      shadow:alice) echo 'alice:HASH:19000:0:99999:7:::' ;;
                      *) exit 2 ;;
                    esac
                    """.replace("HASH", HASH));
            stub(bin, "id", "#!/bin/sh\necho 'alice sudo'\n");
            User spec = User.named("alice").groups(List.of("sudo", "wheel")).password(Secret.of(HASH)).build();
            UserState s = UserState.parse(PlanContext.run(spec.probe(PLAIN).script(), bin));
            assertThat(s).isEqualTo(new UserState(true, 1001, 1001, "Alice", "/home/alice", "/bin/bash", "alice",
                    List.of("alice", "sudo"), User.sha256(HASH), Map.of("sudo", new GroupRef("sudo", 27))));
            assertThat(spec.probe(PLAIN).script()).doesNotContain(HASH);
            assertThat(plan(User.named("alice").groups(List.of("sudo")).password(Secret.of(HASH)).build(), s).hasChanges()).isFalse();
        }

        private static void stub(Path bin, String name, String text) throws IOException {
            Path p = bin.resolve(name);
            Files.writeString(p, text);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Nested
    class Yaml {
        private final User.Type type = new User.Type();

        @Test
        void bindsAnsibleParameters() {
            Object m = type.create(Args.of("user", Map.of("name", "alice", "groups", "sudo, adm", "append", "yes", "password", HASH,
                    "update_password", "on_create", "shell", "/bin/bash")));
            assertThat(m).isEqualTo(User.named("alice").groups(List.of("sudo", "adm")).append(true).password(Secret.of(HASH))
                    .updatePasswordOnCreateOnly().shell("/bin/bash").build());
        }

        @Test
        void clearTextPasswordIsRefusedWithoutRepeatingIt() {
            assertThatThrownBy(() -> type.create(Args.of("user", Map.of("name", "alice", "password", "hunter2 secret"))))
                    .isInstanceOf(InputException.class).hasMessageContaining("must be a crypt hash").hasMessageNotContaining("hunter2");
        }

        @Test
        void badNamesPointAtTheirParameter() {
            assertThatThrownBy(() -> type.create(Args.of("user", Map.of("name", "-rf"))))
                    .isInstanceOf(InputException.class).hasMessageContaining("'-rf' is not a valid user name");
            assertThatThrownBy(() -> type.create(Args.of("user", Map.of("name", "alice", "groups", List.of("ok", "bad group")))))
                    .isInstanceOf(InputException.class).hasMessageContaining("groups: 'bad group' is not a valid group name");
            assertThatThrownBy(() -> type.create(Args.of("user", Map.of("name", "alice", "comment", "a:b"))))
                    .hasMessageContaining("comment: cannot contain ':'");
        }
    }

    @Test
    void readsTheNameDatabasesAndWritesThemTheHomeAndTheMailSpool() {
        User user = User.named("alice").shell("/bin/zsh").build();
        assertThat(user.probe(PLAIN).readsOf(null)).isEqualTo(dev.rigger.core.module.Footprint.NAME_DATABASES);
        dev.rigger.core.module.Footprint writes = user.plan(ALICE, PLAIN).writes();
        for (String p : List.of("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/subuid", "/etc/.pwd.lock",
                "/home/alice/.profile", "/var/mail/alice", "/var/log/lastlog")) {
            assertThat(writes.overlaps(dev.rigger.core.module.Footprint.of(p))).as(p).isTrue();
        }
        assertThat(writes.overlaps(dev.rigger.core.module.Footprint.of("/tmp/x", "/srv/app"))).isFalse();
        assertThat(User.named("bob").build().plan(UserState.absent(GROUPS), PLAIN).writes().isAnything())
                .as("a new user's home is the host's default").isTrue();
        assertThat(User.named("bob").home("/srv/bob").build().plan(UserState.absent(GROUPS), PLAIN).writes()
                .overlaps(dev.rigger.core.module.Footprint.of("/srv/bob/.bashrc"))).isTrue();
        assertThat(User.absent("alice", true).build().plan(ALICE, PLAIN).writes().isAnything()).as("userdel may run USERDEL_CMD").isTrue();
    }
}
