package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.testkit.Eventually;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The fake API server itself, through the official client: what the backend relies on works, and
 * the shim's watch, logs and faults behave like a real API server's. If a mock upgrade changes one
 * of these, this test says which.
 */
class FakeApiServerTest {
    private static final FakeCluster CLUSTER = FakeCluster.shared();

    private static ApiClient client(Duration readTimeout) {
        ApiClient c = new ClientBuilder().setBasePath(CLUSTER.api().url()).build();
        c.setHttpClient(c.getHttpClient().newBuilder().readTimeout(readTimeout).build());
        c.setUserAgent("fake-api-server-test");
        return c;
    }

    private static V1Job job(String ns, String name) {
        return new V1Job()
                .apiVersion("batch/v1")
                .kind("Job")
                .metadata(new V1ObjectMeta()
                        .name(name)
                        .namespace(ns)
                        .labels(Map.of("app.kubernetes.io/managed-by", "test")))
                .spec(new V1JobSpec()
                        .suspend(true)
                        .template(new V1PodTemplateSpec()
                                .spec(new V1PodSpec()
                                        .restartPolicy("Never")
                                        .containers(List.of(
                                                new V1Container().name("c").image("busybox"))))));
    }

    @Test
    void createConflictReadDelete() throws ApiException {
        String ns = CLUSTER.newNamespace();
        BatchV1Api batch = new BatchV1Api(client(Duration.ofSeconds(10)));
        V1Job created = batch.createNamespacedJob(ns, job(ns, "a")).execute();
        assertNotNull(created.getMetadata().getResourceVersion());
        ApiException dup = assertThrows(ApiException.class, () -> batch.createNamespacedJob(ns, job(ns, "a"))
                .execute());
        assertEquals(409, dup.getCode());
        assertEquals(
                "a", batch.readNamespacedJob("a", ns).execute().getMetadata().getName());
        batch.deleteNamespacedJob("a", ns).propagationPolicy("Foreground").execute();
        assertEquals(
                404,
                assertThrows(ApiException.class, () -> batch.readNamespacedJob("a", ns)
                                .execute())
                        .getCode());
    }

    @Test
    void informersSeeAddsUpdatesAndDeletesWithoutRelisting() throws ApiException {
        String ns = CLUSTER.newNamespace();
        ApiClient watchClient = client(Duration.ZERO);
        BatchV1Api batch = new BatchV1Api(watchClient);
        SharedInformerFactory factory = new SharedInformerFactory(watchClient, Executors.newCachedThreadPool(), false);
        SharedIndexInformer<V1Job> informer = factory.sharedIndexInformerFor(
                p -> batch.listNamespacedJob(ns)
                        .labelSelector("app.kubernetes.io/managed-by=test")
                        .resourceVersion(p.resourceVersion)
                        .timeoutSeconds(p.timeoutSeconds)
                        .watch(p.watch)
                        .buildCall(null),
                V1Job.class,
                V1JobList.class);
        List<String> seen = new CopyOnWriteArrayList<>();
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Job j) {
                seen.add("add " + j.getMetadata().getName());
            }

            @Override
            public void onUpdate(V1Job o, V1Job j) {
                if (!o.getMetadata().getResourceVersion().equals(j.getMetadata().getResourceVersion())) {
                    seen.add("update " + j.getMetadata().getName() + " suspend="
                            + j.getSpec().getSuspend());
                }
            }

            @Override
            public void onDelete(V1Job j, boolean unknown) {
                seen.add("delete " + j.getMetadata().getName());
            }
        });
        factory.startAllRegisteredInformers();
        try {
            Eventually.await(Duration.ofSeconds(10), "informer synced", informer::hasSynced);
            BatchV1Api writer = new BatchV1Api(client(Duration.ofSeconds(10)));
            writer.createNamespacedJob(ns, job(ns, "w")).execute();
            Eventually.await(Duration.ofSeconds(5), "add seen: " + seen, () -> seen.contains("add w"));
            CLUSTER.kubelet().admit(ns, "w");
            Eventually.await(
                    Duration.ofSeconds(5), "update seen: " + seen, () -> seen.contains("update w suspend=false"));
            writer.deleteNamespacedJob("w", ns).execute();
            Eventually.await(Duration.ofSeconds(5), "delete seen: " + seen, () -> seen.contains("delete w"));
            long before = CLUSTER.api().expiredWatches();
            CLUSTER.api().expireWatches();
            writer.createNamespacedJob(ns, job(ns, "after-expiry")).execute();
            Eventually.await(
                    Duration.ofSeconds(10), "add after 410 relist: " + seen, () -> seen.contains("add after-expiry"));
            assertTrue(CLUSTER.api().expiredWatches() > before, "the watch was not answered 410");
        } finally {
            factory.stopAllRegisteredInformers(true);
        }
    }

    @Test
    void logsHonourStreamTailLinesAndLimitBytes() throws ApiException {
        String ns = CLUSTER.newNamespace();
        CoreV1Api core = new CoreV1Api(client(Duration.ofSeconds(10)));
        V1Pod pod = new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(new V1ObjectMeta().name("p").namespace(ns))
                .spec(new V1PodSpec()
                        .containers(List.of(new V1Container().name("c").image("busybox"))));
        core.createNamespacedPod(ns, pod).execute();
        CLUSTER.api().putLog(ns, "p", "c", new FakeApiServer.Log("o1\no2\n", "e1\n", "o1\ne1\no2\n"));
        assertEquals(
                "o1\ne1\no2\n",
                core.readNamespacedPodLog("p", ns).container("c").execute());
        assertEquals(
                "o2\n",
                core.readNamespacedPodLog("p", ns).container("c").tailLines(1).execute());
        assertEquals(
                "o1\no2\n",
                core.readNamespacedPodLog("p", ns).container("c").stream("Stdout")
                        .execute());
        assertEquals(
                "e1\n",
                core.readNamespacedPodLog("p", ns).container("c").stream("Stderr")
                        .execute());
        assertEquals(
                "o1",
                core.readNamespacedPodLog("p", ns).container("c").stream("Stdout")
                        .limitBytes(2)
                        .execute());
        assertEquals(
                422,
                assertThrows(ApiException.class, () -> core.readNamespacedPodLog("p", ns).container("c").stream(
                                        "Stdout")
                                .tailLines(1)
                                .execute())
                        .getCode());
        assertEquals(
                400,
                assertThrows(ApiException.class, () -> core.readNamespacedPodLog("p", ns)
                                .container("other")
                                .execute())
                        .getCode());
        assertEquals(
                404,
                assertThrows(ApiException.class, () -> core.readNamespacedPodLog("nope", ns)
                                .container("c")
                                .execute())
                        .getCode());
    }

    @Test
    void faultsAnswerTheNextMatchingRequests() throws ApiException {
        String ns = CLUSTER.newNamespace();
        BatchV1Api batch = new BatchV1Api(client(Duration.ofSeconds(10)));
        CLUSTER.api()
                .fail(
                        r -> r.userAgent().equals("fake-api-server-test")
                                && r.path().contains("/namespaces/" + ns + "/"),
                        500,
                        1);
        assertEquals(
                500,
                assertThrows(ApiException.class, () -> batch.listNamespacedJob(ns)
                                .execute())
                        .getCode());
        assertEquals(0, batch.listNamespacedJob(ns).execute().getItems().size());
    }
}
