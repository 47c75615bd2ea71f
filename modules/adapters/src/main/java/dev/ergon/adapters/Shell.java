package dev.ergon.adapters;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for the engine scripts the adapters write. Stateless. */
final class Shell {
    private Shell() {}

    /** {@code s} as one single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    /** Each word quoted, joined by spaces. */
    static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    /** Splits a space-separated option string (from config or engine parameters) into words; quotes are not interpreted. */
    static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
