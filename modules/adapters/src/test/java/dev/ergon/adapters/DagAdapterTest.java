package dev.ergon.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DagAdapterTest {
    private final DagAdapter dag = new DagAdapter(DagAdapterConfig.defaults());

    private static String field(Runnable r) {
        return assertThrows(ErgonException.class, r::run).field().orElse("");
    }

    @Test
    void ordersNodesTopologicallyAndSubstitutesParams() {
        DagWorkflow wf = dag.parse(
                """
                nodes:
                  c: {depends_on: [b], command: "echo ${params.x} > /o/c", outputs: [{path: /o/c}]}
                  b: {depends_on: [a], command: [echo, b]}
                  a: {command: [echo, "${params.x}"], outputs: [{name: out, path: /o/a}]}
                """,
                Map.of("x", "42"));
        assertEquals(
                List.of("a", "b", "c"),
                wf.nodes().stream().map(DagWorkflow.Node::name).toList());
        assertEquals(
                List.of("echo", "42"),
                wf.node("a").orElseThrow().executors().get(0).command());
        assertEquals(
                List.of("sh", "-c", "echo 42 > /o/c"),
                wf.node("c").orElseThrow().executors().get(0).command());
        assertEquals(Set.of("b", "c"), wf.dependentsOf("a"));
    }

    @Test
    void nodeTasksTakeEarlierOutputsFromTheRunsFolder() {
        DagWorkflow wf = dag.parse(
                """
                nodes:
                  a: {command: [x], outputs: [{name: out, path: /o/a.txt}]}
                  b: {depends_on: [a], command: [y], inputs: [{path: /i/a.txt, from: a.out}, {path: /i/d.txt, url: d/d.txt}]}
                """,
                Map.of());
        RunRequest run = new RunRequest(
                "r1", DagAdapter.TYPE, "1.0", "dag.yaml", "{}", Map.of(), Map.of("t", "v"), Path.of("/nowhere"));
        TaskSpec a = dag.taskFor(run, wf, wf.node("a").orElseThrow(), "ta");
        TaskSpec b = dag.taskFor(run, wf, wf.node("b").orElseThrow(), "tb");
        assertEquals("nodes/a/out", a.outputs().get(0).url());
        assertEquals("nodes/a/out", b.inputs().get(0).url().orElseThrow());
        assertEquals("attachments/d/d.txt", b.inputs().get(1).url().orElseThrow());
        assertEquals("r1", b.tags().get("ergon.run-id"));
        assertEquals("b", b.tags().get(DagAdapter.NODE_TAG));
        assertEquals("v", b.tags().get("t"));
    }

    @Test
    void badDagsNameTheField() {
        assertEquals("nodes", field(() -> dag.parse("nodes: {a: {command: [x], depends_on: [a]}}", Map.of())));
        assertEquals(
                "nodes.b.inputs[0].from",
                field(() -> dag.parse(
                        "nodes: {a: {command: [x], outputs: [{name: o, path: /o}]}, b: {command: [y], inputs: [{path: /i, from: a.o}]}}",
                        Map.of())));
        assertEquals(
                "nodes.a.inputs[0].from",
                field(() -> dag.parse("nodes: {a: {command: [x], inputs: [{path: /i, from: zz.o}]}}", Map.of())));
        assertEquals("nodes.a.oops", field(() -> dag.parse("nodes: {a: {command: [x], oops: 1}}", Map.of())));
        assertEquals(
                "nodes.a.on_failure",
                field(() -> dag.parse("nodes: {a: {command: [x], on_failure: maybe}}", Map.of())));
        assertEquals(
                "nodes.a.outputs[0].path",
                field(() -> dag.parse("nodes: {a: {command: [x], outputs: [{path: rel}]}}", Map.of())));
        assertEquals("nodes", field(() -> dag.parse("nodes: {}", Map.of())));
        assertEquals("workflow_url", field(() -> dag.parse("nodes: [unclosed", Map.of())));
        assertEquals("nodes.bad name", field(() -> dag.parse("nodes: {\"bad name\": {command: [x]}}", Map.of())));
    }
}
