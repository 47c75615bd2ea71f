package dev.ergon.executor.kubernetes;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The cluster view through two shared informers of the official client (Jobs and Pods, selected
 * by {@code app.kubernetes.io/managed-by=ergon}): one list, then a watch from its resourceVersion;
 * a watch answered {@code 410 Gone} (an expired resourceVersion) makes the informer list again.
 * Pods are indexed by their task-id label. Thread-safe.
 */
final class InformerClusterView implements ClusterView {
    private static final Logger LOG = System.getLogger(InformerClusterView.class.getName());
    private static final String BY_TASK = "task";

    private final SharedInformerFactory factory;
    private final ExecutorService threads;
    private final SharedIndexInformer<V1Job> jobs;
    private final SharedIndexInformer<V1Pod> pods;
    private final String namespace;

    InformerClusterView(KubeApi api, Consumer<String> changed) {
        this.namespace = api.namespace();
        this.threads = Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("ergon-k8s-informer-", 0).factory());
        this.factory = new SharedInformerFactory(api.watchClient, threads, false);
        io.kubernetes.client.openapi.apis.BatchV1Api batch =
                new io.kubernetes.client.openapi.apis.BatchV1Api(api.watchClient);
        io.kubernetes.client.openapi.apis.CoreV1Api core =
                new io.kubernetes.client.openapi.apis.CoreV1Api(api.watchClient);
        this.jobs = factory.sharedIndexInformerFor(
                params -> batch.listNamespacedJob(namespace)
                        .labelSelector(JobNames.SELECTOR)
                        .resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds)
                        .watch(params.watch)
                        .buildCall(null),
                V1Job.class,
                V1JobList.class,
                0,
                (type, t) -> LOG.log(Level.DEBUG, "Job informer: " + t));
        this.pods = factory.sharedIndexInformerFor(
                params -> core.listNamespacedPod(namespace)
                        .labelSelector(JobNames.SELECTOR)
                        .resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds)
                        .watch(params.watch)
                        .buildCall(null),
                V1Pod.class,
                V1PodList.class,
                0,
                (type, t) -> LOG.log(Level.DEBUG, "Pod informer: " + t));
        pods.addIndexers(Map.of(
                BY_TASK,
                p -> ClusterView.taskLabelOf(p.getMetadata()).map(List::of).orElse(List.of())));
        jobs.addEventHandler(handler(changed));
        pods.addEventHandler(handler(changed));
    }

    private static <T extends KubernetesObject> ResourceEventHandler<T> handler(Consumer<String> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                tell(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                tell(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                tell(obj);
            }

            private void tell(T obj) {
                if (obj != null) {
                    ClusterView.taskIdOf(obj.getMetadata()).ifPresent(changed);
                }
            }
        };
    }

    @Override
    public void start() {
        factory.startAllRegisteredInformers();
    }

    @Override
    public boolean synced() {
        return jobs.hasSynced() && pods.hasSynced();
    }

    @Override
    public Optional<V1Job> job(String name) {
        return Optional.ofNullable(jobs.getIndexer().getByKey(namespace + "/" + name));
    }

    @Override
    public List<V1Pod> pods(String taskIdLabel) {
        return List.copyOf(pods.getIndexer().byIndex(BY_TASK, taskIdLabel));
    }

    @Override
    public String describe() {
        return "watch";
    }

    @Override
    public void close() {
        factory.stopAllRegisteredInformers(true);
        threads.shutdownNow();
    }
}
