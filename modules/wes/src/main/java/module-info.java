/**
 * GA4GH WES 1.1 under /ga4gh/wes/v1: the run service and the run reconciler. A run is a small
 * graph of TES tasks: its language adapter's engine task, or, for Ergon's own DAG format, one
 * task per node; WES creates and follows them through the TES module's Java API.
 */
module dev.ergon.wes {
    requires transitive dev.ergon.tes;
    requires transitive dev.ergon.adapters;
    requires jakarta.inject;
    requires jakarta.annotation;
    requires jakarta.json;
    requires microprofile.config.api;

    exports dev.ergon.wes;

    opens dev.ergon.wes to
            weld.core.impl,
            org.glassfish.jersey.core.server;

    uses dev.ergon.spi.LanguageAdapterProvider;
}
