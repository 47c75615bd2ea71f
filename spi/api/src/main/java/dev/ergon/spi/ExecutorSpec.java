package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One executor of a task (TES {@code tesExecutor}), validated: the command runs in {@code image}
 * with {@code env}, in {@code workdir}, its standard streams optionally redirected to files at
 * container paths.
 *
 * @param image container image name (a local backend records it and may ignore it)
 * @param command the command and its arguments, at least one element, run verbatim (no shell)
 * @param workdir container working directory, if set
 * @param stdin container path to read standard input from, if set
 * @param stdout container path to write standard output to, if set
 * @param stderr container path to write standard error to, if set
 * @param env environment variables
 * @param ignoreError when true, a non-zero exit does not stop the task
 */
public record ExecutorSpec(
        String image,
        List<String> command,
        Optional<String> workdir,
        Optional<String> stdin,
        Optional<String> stdout,
        Optional<String> stderr,
        Map<String, String> env,
        boolean ignoreError) {
    public ExecutorSpec {
        requireNonNull(image, "image is null");
        command = List.copyOf(requireNonNull(command, "command is null"));
        requireNonNull(workdir, "workdir is null");
        requireNonNull(stdin, "stdin is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
        env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** Whether any standard stream is redirected to a file. */
    public boolean redirectsStreams() {
        return stdin.isPresent() || stdout.isPresent() || stderr.isPresent();
    }
}
