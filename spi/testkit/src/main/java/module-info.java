/** Contract tests every Ergon backend must pass, reference fakes that pass them, and fixtures. */
module dev.ergon.testkit {
    requires transitive dev.ergon.spi;
    requires transitive org.junit.jupiter.api;

    exports dev.ergon.testkit;

    opens dev.ergon.testkit to
            org.junit.platform.commons;

    uses dev.ergon.spi.ExecutorBackendProvider;
    uses dev.ergon.spi.FilerProvider;
    uses dev.ergon.spi.EventBusProvider;
    uses dev.ergon.spi.LanguageAdapterProvider;
}
