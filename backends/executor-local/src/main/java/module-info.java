/**
 * The local executor backend ({@code ergon.executor=local}): runs each task executor as a host
 * process inside a bubblewrap ({@code bwrap}) sandbox, with the task's files bound at their TES
 * container paths. Internal apart from its provider, which {@link java.util.ServiceLoader} finds.
 */
module dev.ergon.executor.local {
    requires dev.ergon.spi;

    provides dev.ergon.spi.ExecutorBackendProvider with
            dev.ergon.executor.local.LocalExecutorBackendProvider;
}
