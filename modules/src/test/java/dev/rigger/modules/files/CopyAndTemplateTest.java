package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** copy and template plans: where content comes from and how it is shown. */
class CopyAndTemplateTest {

    @Test
    void copyReadsSrcFromTheFilesFolder() {
        TestContext ctx = new TestContext().withFile("files", "deploy.sudoers", "deploy ALL=(ALL) NOPASSWD: ALL\n");
        Plan plan = CopyFile.src("/etc/sudoers.d/deploy", "deploy.sudoers").mode("0440").validate(List.of("visudo", "-cf", "%s")).build()
                .plan(States.missing("/etc/sudoers.d/deploy"), ctx);
        assertThat(new String(plan.applyInput().readAll())).isEqualTo("deploy ALL=(ALL) NOPASSWD: ALL\n");
        assertThat(plan.applyScript()).contains("chmod 0440").contains("'visudo' '-cf' \"$tmp\"");
    }

    @Test
    void copyIntoAnExistingDirectoryUsesThePathTheProbeResolved() {
        TestContext ctx = new TestContext().withFile("files", "a.conf", "a\n");
        FileProbe.State inside = States.missing("/etc/app/a.conf");
        Plan plan = CopyFile.src("/etc/app", "a.conf").build().plan(inside, ctx);
        assertThat(plan.applyScript()).contains("target='/etc/app/a.conf'");
    }

    @Test
    void copyWithTrailingSlashCreatesTheDirectory() {
        TestContext ctx = new TestContext().withFile("files", "a.conf", "a\n");
        Plan plan = CopyFile.src("/opt/new/", "a.conf").build().plan(States.missingWithoutParent("/opt/new/a.conf"), ctx);
        assertThat(plan.applyScript()).contains("mkdir -p -- '/opt/new'");
    }

    @Test
    void secretContentIsNeverShown() {
        Plan plan = CopyFile.content("/etc/app.key", Secret.of("TOP-SECRET-KEY")).mode("0600").build()
                .plan(States.file("/etc/app.key", "OLD-SECRET-KEY"), new TestContext().withDiff());
        assertThat(plan.changes().toString()).doesNotContain("SECRET-KEY").contains("content is secret, no diff");
        assertThat(plan.applyScript()).doesNotContain("TOP-SECRET-KEY");
        assertThat(new String(plan.applyInput().readAll())).isEqualTo("TOP-SECRET-KEY");
        assertThat(CopyFile.content("/x", Secret.of("TOP-SECRET-KEY")).build().toString()).doesNotContain("TOP-SECRET-KEY");
    }

    @Test
    void copyNeedsExactlyOneSource() {
        assertThatThrownBy(() -> CopyFile.content("/x", "a").src("b").build()).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> CopyFile.content("/etc/", "a").build()).hasMessageContaining("src file");
    }

    @Test
    void templateRendersWithHostVariablesAndShowsTheRedactedRendering() {
        TestContext ctx = new TestContext().withDiff()
                .withVar("backends", List.of(Map.of("name", "web1", "ip", "10.0.0.11"), Map.of("name", "web2", "ip", "10.0.0.12")))
                .withVar("stats_password", Secret.of("st4ts-pw"))
                .withFile("templates", "haproxy.cfg.mustache",
                        "listen stats\n  stats auth admin:{{stats_password}}\nbackend web\n{{#backends}}  server {{name}} {{ip}}:80 check\n{{/backends}}");
        Plan plan = TemplateFile.of("haproxy.cfg.mustache", "/etc/haproxy/haproxy.cfg").build()
                .plan(States.file("/etc/haproxy/haproxy.cfg", "listen stats\n  stats auth admin:old-pw\n"), ctx);
        assertThat(new String(plan.applyInput().readAll())).contains("stats auth admin:st4ts-pw").contains("server web2 10.0.0.12:80 check");
        String diff = plan.changes().get(0).diff();
        assertThat(diff).doesNotContain("st4ts-pw").doesNotContain("old-pw").contains("+  server web1 10.0.0.11:80 check");
    }

    @Test
    void anUndefinedTemplateVariableFailsBeforeAnythingIsWritten() {
        TestContext ctx = new TestContext().withFile("templates", "t.mustache", "port {{prot}}\n").withVar("port", 80);
        assertThatThrownBy(() -> TemplateFile.of("t.mustache", "/etc/t").build().plan(States.missing("/etc/t"), ctx))
                .hasMessageContaining("t.mustache").hasMessageContaining("prot");
    }

    @Test
    void anIdenticalRenderingIsNoChange() {
        TestContext ctx = new TestContext().withVar("port", 80).withFile("templates", "t.mustache", "port {{port}}\n");
        assertThat(TemplateFile.of("t.mustache", "/etc/t").build().plan(States.fileWithoutContent("/etc/t", "port 80\n"), ctx).hasChanges()).isFalse();
    }
}
