package dev.ergon.state;

import java.io.Serializable;
import java.util.Objects;

/** The primary key of {@link ExecutorEntity}: task id and position. */
public class ExecutorKey implements Serializable {
    private String task;
    private int index;

    public ExecutorKey() {}

    public ExecutorKey(String task, int index) {
        this.task = task;
        this.index = index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecutorKey k && k.index == index && Objects.equals(k.task, task);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, index);
    }
}
