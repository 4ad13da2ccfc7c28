package dev.rigger.modules.builtin;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.AsyncJobs;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code async_status}: reads a background job that a task with {@code async: N} and
 * {@code poll: 0} started ({@code jid} is its registered {@code ansible_job_id}). A running job is
 * {@code finished: 0} (ok, unchanged); a finished one registers its {@code rc}, {@code stdout},
 * {@code stderr} and counts as changed, or failed when rc is not 0. A job stopped at its time limit
 * fails as Ansible's does, "async task did not complete within the requested time - Ns", with no
 * rc. {@code mode: cleanup} removes the job's files. Run it as the user the job
 * ran as (the same {@code become}).
 *
 * <pre>{@code
 * - command: /usr/local/bin/reindex
 *   async: 600
 *   poll: 0
 *   register: reindex
 * - async_status: jid={{ reindex.ansible_job_id }}
 *   register: job
 *   until: job.finished
 *   retries: 60
 *   delay: 10
 * }</pre>
 * <pre>{@code
 * AsyncStatus.of(jobId).build()
 * AsyncStatus.of(jobId).cleanup(true).build()
 * }</pre>
 *
 * Exec budget: a running job 1 (the probe); a finished one 2 (probe, then its result read again as the change).
 */
public record AsyncStatus(String jid, boolean cleanup) implements Module<AsyncStatus.Job> {

    /** @throws ModuleArgumentException when {@code jid} is not a job id */
    public AsyncStatus {
        if (jid == null || !AsyncJobs.isId(jid)) {
            throw new ModuleArgumentException("async_status", "jid", "'" + jid + "' is not a job id (use the ansible_job_id an async task registered)");
        }
    }

    /** Reads the job {@code jid} (the {@code ansible_job_id} a task with {@code poll: 0} registered). */
    public static Builder of(String jid) {
        return new Builder(jid);
    }

    /** Optional parameters of an async_status task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String jid;
        private boolean cleanup;

        private Builder(String jid) {
            this.jid = jid;
        }

        /** Ansible's {@code mode: cleanup}: remove the job's files instead of reading them (default false). */
        public Builder cleanup(boolean value) { this.cleanup = value; return this; }

        /** @throws ModuleArgumentException when the job id is not one */
        public AsyncStatus build() {
            return new AsyncStatus(jid, cleanup);
        }
    }

    /**
     * The job as the host has it: missing, running, or finished with rc and output.
     *
     * @param timedOutAfter the time limit in seconds when the job was stopped at it, else 0
     */
    public record Job(boolean exists, boolean finished, int rc, String stdout, String stderr, int timedOutAfter) {
        static final Job MISSING = new Job(false, false, 0, "", "", 0);
        static final Job RUNNING = new Job(true, false, 0, "", "", 0);
    }

    @Override
    public String moduleName() {
        return "async_status";
    }

    @Override
    public Probe<Job> probe(ModuleContext context) {
        // A job that had nothing to do was never started: nothing to read on the host.
        if (jid.endsWith(AsyncJobs.NO_CHANGE)) return Probe.none(new Job(true, true, 0, "", "", 0));
        return Probe.of(AsyncJobs.status(jid), AsyncStatus::parse);
    }

    static Job parse(ExecResult r) {
        if (r.exitCode() != 0) throw new ModuleException("async_status could not read the job (exit " + r.exitCode() + "): " + r.stderr().strip());
        String out = r.stdout();
        if (out.strip().equals("missing")) return Job.MISSING;
        if (out.strip().equals("running")) return Job.RUNNING;
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) fields.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        try {
            String rc = fields.get("rc");
            int limit = rc.startsWith("timeout ") ? Integer.parseInt(rc.substring("timeout ".length())) : 0;
            return new Job(true, true, limit > 0 ? 0 : Integer.parseInt(rc), decode(fields.get("out")), decode(fields.get("err")), limit);
        } catch (RuntimeException e) {
            throw new ModuleException("async_status could not read the job's result: " + out.strip());
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64 == null ? "" : base64), StandardCharsets.UTF_8);
    }

    @Override
    public Plan plan(Job job, ModuleContext context) {
        if (!job.exists()) throw new ModuleException("could not find job " + jid);
        if (cleanup) {
            return Plan.apply(Change.of("remove job " + jid), AsyncJobs.cleanup(jid))
                    .interpretedBy(r -> new Outcome(!r.succeeded(), r.succeeded(), r.succeeded() ? "" : r.stderr().strip(), data(Job.RUNNING)));
        }
        if (!job.finished()) return Plan.noChange(data(job));
        if (jid.endsWith(AsyncJobs.NO_CHANGE)) {
            Map<String, Object> data = data(job);
            data.put("msg", "the task had nothing to change, so no job was started");
            return Plan.noChange(data);
        }
        // A finished job reports the change it made; its result is read again as the apply step.
        String ended = job.timedOutAfter() > 0 ? "stopped at its limit of " + job.timedOutAfter() + " s" : "finished (rc " + job.rc() + ")";
        return Plan.apply(Change.of("job " + jid + " " + ended), AsyncJobs.status(jid)).interpretedBy(r -> {
            Job read = parse(r);
            Map<String, Object> data = data(read);
            if (read.timedOutAfter() > 0) {
                return new Outcome(true, true, "async task did not complete within the requested time - " + read.timedOutAfter() + "s", data);
            }
            boolean failed = read.rc() != 0;
            return new Outcome(failed, true, failed ? "non-zero return code" : "", data);
        });
    }

    private Map<String, Object> data(Job job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ansible_job_id", jid);
        data.put("started", 1);
        data.put("finished", job.finished() ? 1 : 0);
        if (job.finished() && !jid.endsWith(AsyncJobs.NO_CHANGE)) {
            // A job stopped at its limit has no exit code of its own, as under Ansible.
            if (job.timedOutAfter() == 0) data.put("rc", job.rc());
            data.put("stdout", strip(job.stdout()));
            data.put("stderr", strip(job.stderr()));
            data.put("stdout_lines", job.stdout().isEmpty() ? List.of() : List.of(strip(job.stdout()).split("\n", -1)));
            data.put("stderr_lines", job.stderr().isEmpty() ? List.of() : List.of(strip(job.stderr()).split("\n", -1)));
        }
        return data;
    }

    private static String strip(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** YAML binding: {@code async_status}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("async_status"); }
        @Override public Set<String> parameters() { return Set.of("jid", "mode"); }
        @Override public Set<String> required() { return Set.of("jid"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            boolean cleanup = args.choice("mode", List.of("status", "cleanup"), "status").equals("cleanup");
            try {
                return new AsyncStatus(args.string("jid"), cleanup);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "jid");
            }
        }
    }
}
