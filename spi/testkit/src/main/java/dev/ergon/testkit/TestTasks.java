package dev.ergon.testkit;

import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Builders for {@link TaskSpec}s in tests. Every task gets a fresh id so tests never collide. */
public final class TestTasks {
    private TestTasks() {}

    /** A fresh unique task id. */
    public static String newId() {
        return "t-" + UUID.randomUUID();
    }

    /** An executor running {@code command} in a small image with no options. */
    public static ExecutorBuilder executor(String... command) {
        return new ExecutorBuilder(List.of(command));
    }

    /** A shell executor: {@code sh -c script}. */
    public static ExecutorBuilder shell(String script) {
        return new ExecutorBuilder(List.of("sh", "-c", script));
    }

    /** A task builder with a fresh id. */
    public static TaskBuilder task() {
        return new TaskBuilder();
    }

    /** Builds an {@link ExecutorSpec}. */
    public static final class ExecutorBuilder {
        private final List<String> command;
        private String image = "debian:bookworm-slim";
        private String workdir;
        private String stdin;
        private String stdout;
        private String stderr;
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean ignoreError;

        private ExecutorBuilder(List<String> command) {
            this.command = command;
        }

        public ExecutorBuilder image(String v) {
            image = v;
            return this;
        }

        public ExecutorBuilder workdir(String v) {
            workdir = v;
            return this;
        }

        public ExecutorBuilder stdin(String v) {
            stdin = v;
            return this;
        }

        public ExecutorBuilder stdout(String v) {
            stdout = v;
            return this;
        }

        public ExecutorBuilder stderr(String v) {
            stderr = v;
            return this;
        }

        public ExecutorBuilder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        public ExecutorBuilder ignoreError() {
            ignoreError = true;
            return this;
        }

        public ExecutorSpec build() {
            return new ExecutorSpec(
                    image,
                    command,
                    Optional.ofNullable(workdir),
                    Optional.ofNullable(stdin),
                    Optional.ofNullable(stdout),
                    Optional.ofNullable(stderr),
                    env,
                    ignoreError);
        }
    }

    /** Builds a {@link TaskSpec}. */
    public static final class TaskBuilder {
        private String id = newId();
        private String name;
        private final List<ExecutorSpec> executors = new ArrayList<>();
        private final List<InputSpec> inputs = new ArrayList<>();
        private final List<OutputSpec> outputs = new ArrayList<>();
        private final List<String> volumes = new ArrayList<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private ResourceSpec resources = ResourceSpec.none();
        private Path workspace;

        public TaskBuilder id(String v) {
            id = v;
            return this;
        }

        public TaskBuilder name(String v) {
            name = v;
            return this;
        }

        public TaskBuilder executor(ExecutorBuilder e) {
            executors.add(e.build());
            return this;
        }

        public TaskBuilder executor(ExecutorSpec e) {
            executors.add(e);
            return this;
        }

        public TaskBuilder input(String url, String path) {
            inputs.add(new InputSpec(Optional.empty(), Optional.of(url), path, FileType.FILE, Optional.empty(), false));
            return this;
        }

        public TaskBuilder directoryInput(String url, String path) {
            inputs.add(new InputSpec(
                    Optional.empty(), Optional.of(url), path, FileType.DIRECTORY, Optional.empty(), false));
            return this;
        }

        public TaskBuilder content(String content, String path) {
            inputs.add(new InputSpec(
                    Optional.empty(), Optional.empty(), path, FileType.FILE, Optional.of(content), false));
            return this;
        }

        public TaskBuilder output(String path, String url) {
            outputs.add(new OutputSpec(Optional.empty(), url, path, Optional.empty(), FileType.FILE));
            return this;
        }

        public TaskBuilder directoryOutput(String path, String url) {
            outputs.add(new OutputSpec(Optional.empty(), url, path, Optional.empty(), FileType.DIRECTORY));
            return this;
        }

        public TaskBuilder wildcardOutput(String path, String pathPrefix, String url) {
            outputs.add(new OutputSpec(Optional.empty(), url, path, Optional.of(pathPrefix), FileType.FILE));
            return this;
        }

        public TaskBuilder volume(String path) {
            volumes.add(path);
            return this;
        }

        public TaskBuilder tag(String k, String v) {
            tags.put(k, v);
            return this;
        }

        public TaskBuilder resources(ResourceSpec v) {
            resources = v;
            return this;
        }

        public TaskBuilder workspace(Path v) {
            workspace = v;
            return this;
        }

        public TaskSpec build() {
            return new TaskSpec(
                    id,
                    Optional.ofNullable(name),
                    executors,
                    inputs,
                    outputs,
                    volumes,
                    resources,
                    tags,
                    Optional.ofNullable(workspace));
        }
    }
}
