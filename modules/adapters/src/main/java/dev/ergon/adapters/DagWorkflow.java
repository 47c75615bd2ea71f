package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A validated Ergon DAG: named nodes, each a TES task, with dependencies that form no cycle.
 * Immutable.
 *
 * @param nodes the nodes in a topological order (every node after the nodes it depends on)
 * @param document the document text it was read from (kept so the run can be re-planned after a restart)
 */
public record DagWorkflow(List<Node> nodes, String document) {
    public DagWorkflow {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        requireNonNull(document, "document is null");
    }

    /** What a node's failure does to the run. */
    public enum OnFailure {
        /** Fail fast: running nodes are cancelled, no other node starts, the run fails. */
        FAIL,
        /** The run goes on with the nodes that do not depend on this one, and fails at the end. */
        CONTINUE
    }

    /**
     * One node: a TES task.
     *
     * @param name its name, unique in the workflow
     * @param dependsOn the nodes that must complete first
     * @param onFailure what its failure does to the run
     * @param executors its executors, run in order
     * @param inputs its inputs
     * @param outputs its outputs, named so later nodes can take them as inputs
     * @param volumes its volumes
     */
    public record Node(
            String name,
            List<String> dependsOn,
            OnFailure onFailure,
            List<ExecutorSpec> executors,
            List<Input> inputs,
            List<Output> outputs,
            List<String> volumes) {
        public Node {
            requireNonNull(name, "name is null");
            dependsOn = List.copyOf(dependsOn);
            requireNonNull(onFailure, "onFailure is null");
            executors = List.copyOf(executors);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            volumes = List.copyOf(volumes);
        }

        /** The output named {@code name}. */
        public Optional<Output> output(String name) {
            return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
        }
    }

    /**
     * A node input: exactly one of inline {@code content}, a {@code url}, or {@code fromNode}'s
     * output {@code fromOutput}.
     */
    public record Input(
            String path,
            FileType type,
            Optional<String> content,
            Optional<String> url,
            Optional<String> fromNode,
            Optional<String> fromOutput) {
        public Input {
            requireNonNull(path, "path is null");
            requireNonNull(type, "type is null");
            requireNonNull(content, "content is null");
            requireNonNull(url, "url is null");
            requireNonNull(fromNode, "fromNode is null");
            requireNonNull(fromOutput, "fromOutput is null");
        }
    }

    /** A named node output at container path {@code path}. */
    public record Output(String name, String path, FileType type) {
        public Output {
            requireNonNull(name, "name is null");
            requireNonNull(path, "path is null");
            requireNonNull(type, "type is null");
        }
    }

    /** The node named {@code name}. */
    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Every node that depends, directly or not, on {@code name}. */
    public Set<String> dependentsOf(String name) {
        Map<String, List<String>> children = new HashMap<>();
        for (Node n : nodes) {
            for (String d : n.dependsOn()) {
                children.computeIfAbsent(d, k -> new ArrayList<>()).add(n.name());
            }
        }
        Set<String> out = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(children.getOrDefault(name, List.of()));
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (out.add(c)) {
                todo.addAll(children.getOrDefault(c, List.of()));
            }
        }
        return out;
    }

    /**
     * {@code nodes} in a topological order.
     *
     * @throws dev.ergon.spi.ErgonException INVALID_INPUT naming {@code nodes} when there is a cycle
     */
    static List<Node> topological(List<Node> nodes) {
        Map<String, Node> byName = new LinkedHashMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        Map<String, Integer> missing = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (Node n : nodes) {
            missing.put(n.name(), n.dependsOn().size());
            n.dependsOn().forEach(d -> children.computeIfAbsent(d, k -> new ArrayList<>())
                    .add(n.name()));
        }
        Deque<String> ready = new ArrayDeque<>();
        nodes.stream().filter(n -> n.dependsOn().isEmpty()).forEach(n -> ready.add(n.name()));
        List<Node> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            out.add(byName.get(n));
            for (String c : children.getOrDefault(n, List.of())) {
                if (missing.merge(c, -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        if (out.size() != nodes.size()) {
            Set<String> cyclic = new TreeSet<>(byName.keySet());
            out.forEach(n -> cyclic.remove(n.name()));
            throw dev.ergon.spi.ErgonException.invalid("nodes", "the dependencies form a cycle through " + cyclic);
        }
        return out;
    }
}
