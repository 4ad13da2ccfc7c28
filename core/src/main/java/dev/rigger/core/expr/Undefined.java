package dev.rigger.core.expr;

import java.util.function.Supplier;

/**
 * The value of a reference that resolved to nothing. It flows through attribute and index access
 * (so {@code x.y is defined} is simply false when {@code x} is missing, as in Ansible) and turns
 * into an {@link UndefinedVariableException} as soon as anything needs its value.
 *
 * @param path       the reference as written, for the message
 * @param start      offset of the reference in the expression text
 * @param suggestion finds a near name that is defined, or null; only asked when reporting, since
 *                   {@code x is defined} on a missing name is normal and must stay cheap
 */
record Undefined(String path, int start, Supplier<String> suggestion) {
}
