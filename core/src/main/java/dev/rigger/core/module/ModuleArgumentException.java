package dev.rigger.core.module;

/**
 * A module built with an argument it cannot work with, found when the module is built (before any
 * host is contacted): {@code Command.of("true").creates("relative/path").build()}. Names the module and
 * the parameter, with the YAML names users know ({@code command}, {@code creates}).
 */
public class ModuleArgumentException extends IllegalArgumentException {
    private final String module;
    private final String parameter;
    private final String problem;

    public ModuleArgumentException(String module, String parameter, String problem) {
        super(module + ": " + parameter + ": " + problem);
        this.module = module;
        this.parameter = parameter;
        this.problem = problem;
    }

    /** The module's YAML name, such as {@code command}. */
    public String module() {
        return module;
    }

    /** The parameter's YAML name, such as {@code creates}. */
    public String parameter() {
        return parameter;
    }

    /** What is wrong with the parameter's value, without the module and parameter names. */
    public String problem() {
        return problem;
    }
}
