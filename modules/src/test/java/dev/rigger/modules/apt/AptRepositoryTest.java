package dev.rigger.modules.apt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.modules.apt.AptRepository.FileState;
import dev.rigger.modules.apt.AptRepository.RepositoryState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Probe parsing and every plan decision of {@link AptRepository}, with files and keys captured on bookworm. */
class AptRepositoryTest {
    private static final byte[] KEY_ASC = Fixtures.bytes("test-key.asc");
    private static final byte[] KEY_GPG = Fixtures.bytes("test-key.gpg");
    private static final byte[] OTHER_ASC = Fixtures.bytes("other-key.asc");
    private static final String FPR = "12FF3467F8A666254785F34ED091568C53E39420";
    private static final String LIST = "/etc/apt/sources.list.d/file_srv_repo.list";
    private static final String KEYRING = "/etc/apt/keyrings/file_srv_repo.asc";

    private static RepositoryState state(Map<String, String> files, byte[] keyring, String keyringPath) {
        Map<String, FileState> f = new LinkedHashMap<>();
        files.forEach((path, content) -> f.put(path, new FileState(path, "644", content.getBytes(UTF_8))));
        return new RepositoryState(f, Optional.ofNullable(keyring).map(k -> new FileState(keyringPath, "644", k)), Optional.empty(), null);
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static Plan plan(AptRepository spec, RepositoryState st) {
        return spec.plan(st, Fixtures.context(false, false));
    }

    // ------------------------------------------------------------ probe

    @Test
    void parsesFilesTheKeyringAndTheFetchedKey() {
        RepositoryState st = AptRepository.parse(Fixtures.text("repo-probe-ansible.txt"), "/etc/apt/keyrings/t.asc");
        assertThat(st.files()).containsOnlyKeys("/etc/apt/sources.list", "/etc/apt/sources.list.d/t.list");
        assertThat(st.files().get("/etc/apt/sources.list").text()).isEqualTo("deb http://deb.debian.org/debian bookworm main\n");
        assertThat(st.files().get("/etc/apt/sources.list.d/t.list").mode()).isEqualTo("644");
        assertThat(st.keyring().orElseThrow().content()).isEqualTo(KEY_ASC);
        assertThat(st.fetchedKey().orElseThrow()).isEqualTo(KEY_ASC);
    }

    @Test
    void parsesAFailedKeyDownload() {
        RepositoryState st = AptRepository.parse(Fixtures.text("repo-probe-fetch-error.txt"), KEYRING);
        assertThat(st.files()).isEmpty();
        assertThat(st.fetchedKey()).isEmpty();
        assertThat(st.fetchError()).contains("File not found - /srv/nope.asc");
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/nope.asc").build();
        assertThatThrownBy(() -> plan(spec, st)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("cannot download the signing key from file:///srv/nope.asc: E: Failed to fetch");
    }

    @Test
    void theProbeReadsOnlyWhatTheFormNeeds() {
        String rigger = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/key.asc").build().probeScript();
        assertThat(rigger).contains("rigger_show file '" + LIST + "'").contains("rigger_show keyring '" + KEYRING + "'")
                .contains("rigger_url='file:///srv/key.asc'").contains("apt-helper").doesNotContain("sources.list.d/*.list");
        String ansible = AptRepository.line("deb http://x.org/debian bookworm main").build().probeScript();
        assertThat(ansible).contains("rigger_show file /etc/apt/sources.list\n").contains("/etc/apt/sources.list.d/*.list")
                .doesNotContain("keyring").doesNotContain("rigger_url");
        String absent = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/key.asc").state(AptRepository.State.ABSENT).build().probeScript();
        assertThat(absent).as("removing needs no download").doesNotContain("rigger_url");
    }

    // ------------------------------------------------------------ url form, present

    @Test
    void addsKeyAndListFileThenUpdatesOnlyThisRepository() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyContent(KEY_ASC).build();
        Plan plan = plan(spec, state(Map.of(), null, KEYRING));
        assertThat(summaries(plan)).containsExactly(
                "add signing key " + FPR + " (Rigger Test <test@rigger.invalid>) as " + KEYRING,
                "add repository " + LIST + ": deb [signed-by=" + KEYRING + "] file:/srv/repo ./",
                "update the apt cache for " + LIST);
        String listContent = "deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n";
        byte[] expectedStdin = (new String(KEY_ASC, UTF_8) + listContent).getBytes(UTF_8);
        assertThat(plan.applyInput().readAll()).isEqualTo(expectedStdin);
        String script = plan.applyScript();
        assertThat(script).contains("head -c " + KEY_ASC.length + " >").contains("head -c " + listContent.length() + " >")
                .contains("mkdir -p -m 0755 '/etc/apt/keyrings'")
                .contains("rigger_apt_get update -o Dir::Etc::SourceList='" + LIST + "' -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0")
                .contains("GPG error").contains("rigger_restore\n");
        assertThat(script.indexOf("mv -f \"$rigger_new0\" '" + KEYRING + "'")).isPositive().isLessThan(script.indexOf("rigger_apt_get update"));
    }

    @Test
    void unchangedKeyAndListIsNoChange() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyContent(KEY_ASC).build();
        RepositoryState st = state(Map.of(LIST, "deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n"), KEY_ASC, KEYRING);
        assertThat(plan(spec, st).hasChanges()).isFalse();
    }

    @Test
    void aBinaryKeyIsArmoredForTheDefaultAscKeyring() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyContent(KEY_GPG).build();
        Plan plan = plan(spec, state(Map.of(), null, KEYRING));
        String stdin = new String(plan.applyInput().readAll(), UTF_8);
        assertThat(stdin).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
        // An armored keyring already holding that key (as gpg armored it) is the same key, but not the same bytes:
        assertThat(OpenPgpKey.parse(stdin.substring(0, stdin.indexOf("-----END")) .concat("-----END PGP PUBLIC KEY BLOCK-----\n").getBytes(UTF_8)).fingerprints())
                .containsExactly(FPR);
    }

    @Test
    void aBinaryKeyringPathGetsTheBinaryKey() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyContent(KEY_ASC).keyring("/etc/apt/keyrings/repo.gpg").build();
        Plan plan = plan(spec, state(Map.of(), null, "/etc/apt/keyrings/repo.gpg"));
        byte[] stdin = plan.applyInput().readAll();
        assertThat(java.util.Arrays.copyOf(stdin, KEY_GPG.length)).isEqualTo(KEY_GPG);
        assertThat(summaries(plan).get(1)).contains("signed-by=/etc/apt/keyrings/repo.gpg");
    }

    @Test
    void aChangedKeyIsReplacedAndNamedByFingerprints() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyContent(OTHER_ASC).build();
        RepositoryState st = state(Map.of(LIST, "deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n"), KEY_ASC, KEYRING);
        Plan plan = spec.plan(st, Fixtures.context(false, true));
        assertThat(summaries(plan)).hasSize(2);
        assertThat(summaries(plan).get(0)).startsWith("replace the signing key in " + KEYRING + ": " + FPR + " (Rigger Test <test@rigger.invalid>) -> ");
        assertThat(plan.changes().get(0).unifiedDiff().orElseThrow()).startsWith("- key " + FPR).contains("\n+ key ");
        assertThat(plan.applyInput().readAll()).isEqualTo(OTHER_ASC);
    }

    @Test
    void aFetchedKeyIsComparedLikeAnInlineOne() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/key.asc").build();
        RepositoryState same = new RepositoryState(
                Map.of(LIST, new FileState(LIST, "644", ("deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n").getBytes(UTF_8))),
                Optional.of(new FileState(KEYRING, "644", KEY_ASC)), Optional.of(KEY_ASC), null);
        assertThat(plan(spec, same).hasChanges()).isFalse();
        RepositoryState html = new RepositoryState(same.files(), same.keyring(), Optional.of("<html>moved</html>".getBytes(UTF_8)), null);
        assertThatThrownBy(() -> plan(spec, html)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("the signing key from file:///srv/key.asc is unusable: not an OpenPGP key");
    }

    @Test
    void aChangedListFileIsRewrittenWithADiff() {
        AptRepository spec = AptRepository.url("http://apt.postgresql.org/pub/repos/apt").suites("bookworm-pgdg").filename("pgdg").build();
        String path = "/etc/apt/sources.list.d/pgdg.list";
        Plan plan = spec.plan(state(Map.of(path, "deb http://apt.postgresql.org/pub/repos/apt bullseye-pgdg main\n"), null, null), Fixtures.context(false, true));
        assertThat(summaries(plan)).containsExactly("rewrite " + path, "update the apt cache for " + path);
        assertThat(plan.changes().get(0).unifiedDiff().orElseThrow())
                .contains("-deb http://apt.postgresql.org/pub/repos/apt bullseye-pgdg main\n+deb http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main\n");
    }

    @Test
    void aWrongModeAloneIsFixed() {
        AptRepository spec = AptRepository.url("http://x.org/debian").suites("bookworm").build();
        String path = "/etc/apt/sources.list.d/x_org_debian.list";
        Map<String, FileState> files = Map.of(path, new FileState(path, "600", "deb http://x.org/debian bookworm main\n".getBytes(UTF_8)));
        Plan plan = plan(spec, new RepositoryState(files, Optional.empty(), Optional.empty(), null));
        assertThat(summaries(plan).get(0)).isEqualTo("mode of " + path + ": 600 -> 0644");
        assertThat(plan.applyScript()).contains("chmod '0644'");
    }

    @Test
    void suitesDefaultToTheHostsCodenameAndEveryTypeAndSuiteGetsALine() {
        AptRepository spec = AptRepository.url("http://x.org/debian").types("deb", "deb-src").architectures("amd64", "arm64").build();
        Plan plan = plan(spec, state(Map.of(), null, null));
        assertThat(new String(plan.applyInput().readAll(), UTF_8)).isEqualTo(
                "deb [arch=amd64,arm64] http://x.org/debian bookworm main\ndeb-src [arch=amd64,arm64] http://x.org/debian bookworm main\n");
        assertThatThrownBy(() -> spec.plan(state(Map.of(), null, null), Fixtures.context(false, false, Map.of())))
                .isInstanceOf(ModuleException.class).hasMessageContaining("codename is unknown");
    }

    @Test
    void updateCacheFalseOnlyWritesFiles() {
        AptRepository spec = AptRepository.url("http://x.org/debian").suites("bookworm").updateCache(false).build();
        Plan plan = plan(spec, state(Map.of(), null, null));
        assertThat(summaries(plan)).hasSize(1);
        assertThat(plan.applyScript()).doesNotContain("rigger_apt_get update");
    }

    // ------------------------------------------------------------ Ansible form, present

    @Test
    void aLineAlreadyEnabledInAnyFileIsPresent() {
        RepositoryState st = AptRepository.parse(Fixtures.text("repo-probe-ansible.txt"), "/etc/apt/keyrings/t.asc");
        assertThat(plan(AptRepository.line("deb  [signed-by=/etc/apt/keyrings/t.asc]  file:/srv/repo/ ./").filename("t").build(), st).hasChanges()).isFalse();
        assertThat(plan(AptRepository.line("deb http://deb.debian.org/debian bookworm main").filename("debian").build(), st).hasChanges())
                .as("found in /etc/apt/sources.list").isFalse();
    }

    @Test
    void aMissingLineIsAppendedToTheNamedFile() {
        String path = "/etc/apt/sources.list.d/pgdg.list";
        AptRepository spec = AptRepository.line("deb-src http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main").filename("pgdg.list").build();
        Plan plan = plan(spec, state(Map.of(path, "deb http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main"), null, null));
        assertThat(summaries(plan).get(0)).isEqualTo("add repository deb-src http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main to " + path);
        assertThat(new String(plan.applyInput().readAll(), UTF_8)).isEqualTo(
                "deb http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main\ndeb-src http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main\n");
    }

    @Test
    void aKeyGivenWithAnAnsibleLineIsNamedInIt() {
        AptRepository spec = AptRepository.line("deb http://x.org/debian bookworm main").keyContent(KEY_ASC).build();
        assertThat(spec.keyringPath()).contains("/etc/apt/keyrings/x_org_debian.asc");
        Plan plan = plan(spec, state(Map.of(), null, null));
        assertThat(summaries(plan).get(1)).contains("deb [signed-by=/etc/apt/keyrings/x_org_debian.asc] http://x.org/debian bookworm main");
        AptRepository named = AptRepository.line("deb [signed-by=/usr/share/keyrings/x.gpg] http://x.org/debian bookworm main").keyContent(KEY_ASC).build();
        assertThat(named.keyringPath()).contains("/usr/share/keyrings/x.gpg");
    }

    // ------------------------------------------------------------ absent

    @Test
    void absentRemovesTheListFileAndTheManagedKeyring() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/key.asc").state(AptRepository.State.ABSENT).build();
        Plan plan = plan(spec, state(Map.of(LIST, "deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n"), KEY_ASC, KEYRING));
        assertThat(summaries(plan)).containsExactly("remove " + LIST,
                "remove the signing key " + KEYRING + " (" + FPR + " (Rigger Test <test@rigger.invalid>))", "update the apt cache");
        assertThat(plan.applyScript()).contains("rm -f '" + LIST + "'").contains("rm -f '" + KEYRING + "'")
                .contains("rigger_apt_get update; then").doesNotContain("SourceParts");
        assertThat(plan.applyInput().readAll()).isEmpty();
    }

    @Test
    void absentLeavesAKeyringItDoesNotManage() {
        AptRepository spec = AptRepository.url("file:/srv/repo").suites("./").signedBy("/usr/share/keyrings/debian-archive-keyring.gpg")
                .state(AptRepository.State.ABSENT).build();
        Plan plan = plan(spec, state(Map.of(LIST, "x\n"), null, null));
        assertThat(summaries(plan)).containsExactly("remove " + LIST, "update the apt cache");
        assertThat(plan(spec, state(Map.of(), null, null)).hasChanges()).isFalse();
    }

    @Test
    void absentAnsibleLineIsTakenOutOfEveryFile() {
        String own = "/etc/apt/sources.list.d/x.list";
        AptRepository spec = AptRepository.line("deb http://x.org/debian bookworm main").state(AptRepository.State.ABSENT).build();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\ndeb  http://x.org/debian/ bookworm main\n");
        files.put(own, "# x.org\ndeb http://x.org/debian bookworm main\n");
        Plan plan = plan(spec, state(files, null, null));
        assertThat(summaries(plan)).containsExactly(
                "remove repository deb http://x.org/debian bookworm main from /etc/apt/sources.list",
                "remove repository deb http://x.org/debian bookworm main: delete " + own,
                "update the apt cache");
        assertThat(new String(plan.applyInput().readAll(), UTF_8)).isEqualTo("deb http://deb.debian.org/debian bookworm main\n");
    }

    // ------------------------------------------------------------ apply outcome and binding

    @Test
    void aFailedUpdateReportsAptsWarningsAndTheRestore() {
        String stderr = "W: Download is performed unsandboxed as root\n"
                + "W: GPG error: file:/srv/repo ./ InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY D091568C53E39420\n"
                + "rigger: the repository did not update (see apt's messages above); the previous sources and keyring are back in place\n";
        Outcome o = AptRepository.interpret(Fixtures.result(1, "Get:1 file:/srv/repo ./ InRelease\n", stderr));
        assertThat(o.failed()).isTrue();
        assertThat(o.message()).contains("NO_PUBKEY D091568C53E39420").contains("back in place").doesNotContain("unsandboxed");
        assertThat(AptRepository.interpret(Fixtures.ok("")).changed()).isTrue();
    }

    private static AptRepository create(Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) args.put((String) keyValues[i], keyValues[i + 1]);
        return (AptRepository) new AptRepository.Type().create(Args.of("apt_repository", args));
    }

    @Test
    void bindsBothFormsWithAnsiblesDefaults() {
        AptRepository a = create("repo", "deb [signed-by=/etc/apt/keyrings/pgdg.asc] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main");
        assertThat(a.updateCache()).isTrue();
        assertThat(a.listFile()).isEqualTo("/etc/apt/sources.list.d/apt_postgresql_org_pub_repos_apt.list");
        assertThat(a.keyringPath()).contains("/etc/apt/keyrings/pgdg.asc");
        assertThat(a.mode()).isEqualTo("0644");
        AptRepository r = create("url", "file:/srv/repo", "suites", "./", "key_content", new String(KEY_ASC, UTF_8), "filename", "hello",
                "update_cache", false, "mode", "0640");
        assertThat(r.listFile()).isEqualTo("/etc/apt/sources.list.d/hello.list");
        assertThat(r.keyringPath()).contains("/etc/apt/keyrings/hello.asc");
        assertThat(r.keyContent()).isEqualTo(KEY_ASC);
        assertThat(r.updateCache()).isFalse();
    }

    @Test
    void refusesContradictionsAndBrokenKeysUpFront() {
        assertThatThrownBy(() -> create("state", "present")).isInstanceOf(InputException.class).hasMessageContaining("'repo' or 'url'");
        assertThatThrownBy(() -> create("repo", "deb http://x.org/d bookworm main", "url", "http://x.org/d"))
                .isInstanceOf(InputException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> create("url", "http://x.org/d", "key_content", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"))
                .isInstanceOf(InputException.class).hasMessageContaining("key_content is not a usable key");
        assertThatThrownBy(() -> create("url", "http://x.org/d", "key_url", "https://x.org/k.asc", "key_content", new String(KEY_ASC, UTF_8)))
                .isInstanceOf(InputException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> create("url", "http://x.org/d", "keyring", "/etc/apt/keyrings/a.asc", "signed_by", "/etc/apt/keyrings/b.asc"))
                .isInstanceOf(InputException.class).hasMessageContaining("different files");
        assertThatThrownBy(() -> create("repo", "deb http://x.org/d bookworm main", "suites", "bookworm"))
                .isInstanceOf(InputException.class).hasMessageContaining("url form");
        assertThatThrownBy(() -> create("url", "http://x.org/d", "filename", "../../etc/passwd")).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> create("url", "http://x.org/d", "keyring", "/etc/apt/keyrings/a b.asc")).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> create("url", "http://x.org/d", "key_url", "https://x.org/k.asc'; reboot '")).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> create("url", "file:/srv/repo", "suites", "./", "components", "main")).isInstanceOf(InputException.class)
                .hasMessageContaining("takes no components");
        assertThatThrownBy(() -> create("repo", "deb http://x.org/d bookworm main", "repos", "x")).isInstanceOf(InputException.class)
                .hasMessageContaining("unknown parameter 'repos'");
    }
}
