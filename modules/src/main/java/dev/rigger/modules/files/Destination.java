package dev.rigger.modules.files;

/**
 * Where copy and template write: {@code dest} itself, or — when {@code dest} ends in {@code /} or
 * is an existing directory — a file named after the source inside it.
 *
 * @param path            the file path, or the directory when it is only known on the host
 * @param nameInDirectory the file name to use when {@code path} turns out to be a directory, or null
 * @param createParents   {@code dest} ended in {@code /}: create that directory when it is missing
 */
record Destination(String path, String nameInDirectory, boolean createParents) {

    /**
     * @param dest       the absolute {@code dest} as given (a trailing {@code /} means a directory)
     * @param sourceName the file name the source gives, or null when there is no source file ({@code content})
     */
    static Destination of(String dest, String sourceName) {
        if (dest.endsWith("/")) {
            if (sourceName == null) throw new IllegalArgumentException("dest " + dest + " names a directory, which needs a src file to name the copy");
            return new Destination(FileArgs.normalize(dest) + (dest.equals("/") ? "" : "/") + sourceName, null, true);
        }
        return new Destination(FileArgs.normalize(dest), sourceName, false);
    }

    FileProbe probe() {
        FileProbe probe = FileProbe.of(path);
        return nameInDirectory == null ? probe : probe.intoDirectoryAs(nameInDirectory);
    }
}
