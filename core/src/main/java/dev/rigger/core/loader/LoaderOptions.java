package dev.rigger.core.loader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the loader looks for roles and how it names files in messages.
 *
 * @param rolesPaths  folders searched for roles after {@code roles/} next to the playbook (Ansible's
 *                    {@code roles_path}), in order
 * @param classLoader searched last, for roles packaged in a jar under {@code roles/NAME/}
 * @param displayRoot file names in messages are relative to this folder when the file is inside it,
 *                    so messages are short and stable ({@code roles/web/tasks/main.yml:3:5: ...})
 */
public record LoaderOptions(List<Path> rolesPaths, ClassLoader classLoader, Path displayRoot) {

    public LoaderOptions {
        rolesPaths = List.copyOf(rolesPaths);
        Objects.requireNonNull(classLoader, "classLoader");
        displayRoot = displayRoot.toAbsolutePath().normalize();
    }

    /** No extra roles paths, the context class loader, names relative to the working directory. */
    public static LoaderOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Path> rolesPaths = new ArrayList<>();
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        private Path displayRoot = Path.of("");

        public Builder rolesPath(Path value) { rolesPaths.add(value); return this; }
        public Builder classLoader(ClassLoader value) { this.classLoader = value; return this; }
        public Builder displayRoot(Path value) { this.displayRoot = value; return this; }

        public LoaderOptions build() {
            return new LoaderOptions(rolesPaths, classLoader, displayRoot);
        }
    }
}
