package dev.ergon.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * POSIX pathname expansion (IEEE Std 1003.1-2017, 2.13) of a container path pattern inside a
 * task's workspace, for TES wildcard outputs: {@code *} matches any string and {@code ?} any one
 * character, never a {@code /}; {@code [abc]}, {@code [a-z]} and {@code [!a]} match one
 * character; {@code \} quotes the next character; a name starting with {@code .} is matched only
 * by a pattern segment starting with {@code .}; a pattern ending in {@code /} matches folders only.
 */
final class Glob {
    private Glob() {}

    /** Whether a pattern segment has an unquoted wildcard. */
    static boolean hasWildcard(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /**
     * The container paths (absolute, {@code /}-separated) of every existing file or folder whose
     * path matches {@code pattern}, sorted. The pattern must be absolute and already checked not
     * to escape the workspace.
     */
    static List<String> expand(Path workspace, String pattern) {
        List<String> current = List.of("");
        for (String segment : pattern.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            List<String> next = new ArrayList<>();
            for (String dir : current) {
                Path hostDir = dir.isEmpty() ? workspace : workspace.resolve(dir.substring(1));
                if (!hasWildcard(segment)) {
                    String name = unquote(segment);
                    if (Files.exists(hostDir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                        next.add(dir + "/" + name);
                    }
                    continue;
                }
                if (!Files.isDirectory(hostDir)) {
                    continue;
                }
                Pattern regex = toRegex(segment);
                boolean dotOk = segment.startsWith(".");
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostDir)) {
                    for (Path entry : entries) {
                        String name = entry.getFileName().toString();
                        if ((dotOk || !name.startsWith("."))
                                && regex.matcher(name).matches()) {
                            next.add(dir + "/" + name);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            current = next;
        }
        boolean foldersOnly = pattern.endsWith("/");
        return current.stream()
                .filter(p -> !p.isEmpty())
                .filter(p -> !foldersOnly || Files.isDirectory(workspace.resolve(p.substring(1))))
                .sorted()
                .toList();
    }

    /** A regular expression for one pattern segment. */
    static Pattern toRegex(String segment) {
        StringBuilder re = new StringBuilder();
        int n = segment.length();
        for (int i = 0; i < n; i++) {
            char c = segment.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n) {
                        re.append(quote(segment.charAt(++i)));
                    } else {
                        re.append(quote(c));
                    }
                }
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = bracketEnd(segment, i);
                    if (close < 0) {
                        re.append(quote(c));
                    } else {
                        re.append(bracket(segment.substring(i + 1, close)));
                        i = close;
                    }
                }
                default -> re.append(quote(c));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** The index of the {@code ]} closing the bracket expression opened at {@code open}, or -1. */
    private static int bracketEnd(String s, int open) {
        int i = open + 1;
        if (i < s.length() && (s.charAt(i) == '!' || s.charAt(i) == '^')) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == ']') {
            i++; // a ']' first is a literal member
        }
        for (; i < s.length(); i++) {
            if (s.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    private static String bracket(String body) {
        StringBuilder re = new StringBuilder("[");
        int i = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            re.append('^');
            i = 1;
        }
        int first = i;
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            // '-' between two members is a range; first or last it is a literal member.
            boolean range = c == '-' && i > first && i + 1 < body.length();
            re.append(range ? "-" : quote(c));
        }
        return re.append(']').toString();
    }

    private static String quote(char c) {
        // Every regex metacharacter is ASCII; other characters stand for themselves.
        return c < 128 && !Character.isLetterOrDigit(c) ? "\\" + c : String.valueOf(c);
    }

    private static String unquote(String segment) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\' && i + 1 < segment.length()) {
                c = segment.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
