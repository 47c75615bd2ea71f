package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A ListTasks filter and page position. Pages run newest first; {@code afterSeq} is the keyset
 * position decoded from the page token, so page N costs what page 1 costs.
 *
 * @param namePrefix tasks whose name starts with this
 * @param state tasks in this state
 * @param tags every filter must match
 * @param pageSize at most this many tasks
 * @param beforeSeq only tasks older than this position
 */
public record TaskQuery(
        Optional<String> namePrefix,
        Optional<TaskState> state,
        List<TagFilter> tags,
        int pageSize,
        OptionalLong beforeSeq) {
    public TaskQuery {
        requireNonNull(namePrefix, "namePrefix is null");
        requireNonNull(state, "state is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(beforeSeq, "beforeSeq is null");
    }

    /**
     * One tag filter: the tag {@code key} is present and, when {@code value} is present, has that
     * value.
     */
    public record TagFilter(String key, Optional<String> value) {
        public TagFilter {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }
    }
}
