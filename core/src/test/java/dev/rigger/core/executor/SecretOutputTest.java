package dev.rigger.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.secret.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whatever a module does with a secret it reads (here: puts its real value in its message, change
 * lines, diff, registered data and failure text), the run's events show {@code ********}, while
 * later tasks still see the real value.
 */
class SecretOutputTest {
    private static final String SECRET = "pa55-Word-9";
    private final FakeHosts fake = new FakeHosts();

    /** Reports the real value of variable {@code name} everywhere a module can report something. */
    private record Careless(String name, boolean fail) implements Module<Boolean> {
        @Override public String moduleName() { return "careless"; }
        @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(true); }

        @Override
        public Plan plan(Boolean state, ModuleContext context) {
            Object value = context.vars().get(name);
            String real = value instanceof Secret s ? s.reveal() : String.valueOf(value);
            if (fail) throw new ModuleException("could not log in with " + real);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("msg", "password is " + real);
            data.put("stdout_lines", List.of(real));
            data.put("was_secret", value instanceof Secret);
            return Plan.noChange(data);
        }
    }

    private RunResult run(Inventory inventory, Play play) {
        return PlaybookRun.of(Playbook.of(play)).inventory(inventory).connector(fake).facts(fake::facts).execute();
    }

    private static String everything(RunResult result) {
        return result.events().toString();
    }

    @Test
    void aSecretVariableIsMaskedInEveryEventButNotInLaterTasks() {
        Inventory inventory = Inventory.builder().group("web", Map.of(), "web1").build();
        Play play = Play.builder("web1").gatherFacts(false)
                .vars(Map.of("pw", Secret.of(SECRET)))
                .task(Task.named("report").module(new Careless("pw", false)).register("out").build())
                .task(Task.named("still real").module(new Careless("pw", false))
                        .attributes(Attributes.NONE.withWhen(vars -> ((Map<?, ?>) vars.get("out")).get("msg").equals("password is " + SECRET)))
                        .build())
                .task(Task.named("fail").module(new Careless("pw", true)).build())
                .build();
        RunResult result = run(inventory, play);
        HostResult report = result.result("web1", "report").orElseThrow();
        assertThat(report.message()).isEqualTo("password is ********");
        assertThat(report.registered()).containsEntry("stdout_lines", List.of("********"));
        assertThat(result.result("web1", "still real").orElseThrow().status()).isEqualTo(Status.OK);
        assertThat(result.result("web1", "fail").orElseThrow().message()).isEqualTo("could not log in with ********");
        assertThat(everything(result)).doesNotContain(SECRET);
    }

    @Test
    void inventoryConnectionPasswordsAreSecretsForTasks() {
        Inventory inventory = Inventory.builder().group("web", Map.of("ansible_become_password", SECRET), "web1").build();
        Play play = Play.builder("web1").gatherFacts(false)
                .task(Task.named("report").module(new Careless("ansible_become_password", false)).build())
                .build();
        RunResult result = run(inventory, play);
        HostResult report = result.result("web1", "report").orElseThrow();
        assertThat(report.registered()).containsEntry("was_secret", true);
        assertThat(everything(result)).doesNotContain(SECRET);
    }

    @Test
    void noLogHidesTheResultButTheTaskStillRuns() {
        Inventory inventory = Inventory.builder().group("web", Map.of(), "web1").build();
        Play play = Play.builder("web1").gatherFacts(false)
                .vars(Map.of("token", "plain-but-private"))
                .task(Task.named("quiet").module(new Careless("token", false))
                        .attributes(Attributes.NONE.withNoLog(true)).build())
                .task(Task.named("make").module(new FakeHosts.Marker("/plain-but-private"))
                        .attributes(Attributes.NONE.withNoLog(true)).build())
                .build();
        RunResult result = run(inventory, play);
        HostResult quiet = result.result("web1", "quiet").orElseThrow();
        assertThat(quiet.message()).isEqualTo(TaskExecution.HIDDEN);
        assertThat(quiet.registered()).containsEntry("censored", TaskExecution.HIDDEN);
        HostResult make = result.result("web1", "make").orElseThrow();
        assertThat(make.status()).isEqualTo(Status.CHANGED);
        assertThat(make.changes()).containsExactly(Change.of(TaskExecution.HIDDEN));
        assertThat(fake.files.get("web1")).contains("/plain-but-private");
        assertThat(everything(result)).doesNotContain("plain-but-private");
    }
}
