package org.multios.ipc.shell.internal;

import java.util.function.Predicate;

/** What an SSH account may do at the console. */
enum Role {
    /** Every command. */
    ADMIN(line -> true),
    /** Listing commands only (see {@link ReadOnlyLines}). */
    READ_ONLY(new ReadOnlyLines());

    final Predicate<String> allowedLines;

    Role(Predicate<String> allowedLines) {
        this.allowedLines = allowedLines;
    }

    /** The role named in an authorized_keys entry: {@code admin} or {@code read-only}. */
    static Role ofLabel(String label) {
        return switch (label) {
            case "admin" -> ADMIN;
            case "read-only" -> READ_ONLY;
            default -> throw new IllegalArgumentException("unknown role '" + label + "' (admin or read-only)");
        };
    }

    String label() {
        return this == ADMIN ? "admin" : "read-only";
    }
}
