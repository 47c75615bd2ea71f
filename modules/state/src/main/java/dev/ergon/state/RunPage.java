package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of runs.
 *
 * @param runs the runs, newest first
 * @param nextBeforeSeq the position of the next page, when there is one
 */
public record RunPage(List<RunEntity> runs, OptionalLong nextBeforeSeq) {
    public RunPage {
        runs = List.copyOf(requireNonNull(runs, "runs is null"));
        requireNonNull(nextBeforeSeq, "nextBeforeSeq is null");
    }
}
