/**
 * GA4GH TES 1.1: REST resources under /ga4gh/tes/v1, the task service, and the controller that
 * claims tasks, stages them and runs them on the configured executor backend.
 */
module dev.ergon.tes {
    requires transitive dev.ergon.spi;
    requires transitive dev.ergon.state;
    requires transitive dev.ergon.staging;
    requires transitive jakarta.ws.rs;
    requires transitive jakarta.cdi;
    requires jakarta.inject;
    requires jakarta.annotation;
    requires jakarta.json;
    requires microprofile.config.api;

    exports dev.ergon.tes;

    opens dev.ergon.tes to
            weld.core.impl,
            org.glassfish.jersey.core.server;

    uses dev.ergon.spi.ExecutorBackendProvider;
    uses dev.ergon.spi.FilerProvider;
    uses dev.ergon.spi.EventBusProvider;
}
