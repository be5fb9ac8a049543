package org.multios.ipc.shell.internal;

import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The lines a read-only account may run: one listing command of scope {@code ipc}, named with
 * its scope, and plain words as arguments. Nothing Gogo would evaluate (variables, closures,
 * pipes, several commands, redirections) passes, so a listing command cannot smuggle another.
 */
final class ReadOnlyLines implements Predicate<String> {
    static final Set<String> COMMANDS = Set.of("ipc:objects", "ipc:object", "ipc:processes", "ipc:limits", "ipc:rules");

    private static final Pattern PLAIN_WORDS = Pattern.compile("[A-Za-z0-9:._/-]+( +[A-Za-z0-9:._/-]+)*");

    @Override
    public boolean test(String line) {
        String trimmed = line.strip();
        return PLAIN_WORDS.matcher(trimmed).matches() && COMMANDS.contains(trimmed.split(" +", 2)[0]);
    }
}
