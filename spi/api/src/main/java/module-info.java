/**
 * Ergon's service provider interfaces: the only contracts a backend author depends on.
 * JDK only: nothing here may import Helidon, JPA, Kubernetes or jclouds types.
 */
module dev.ergon.spi {
    exports dev.ergon.spi;

    uses dev.ergon.spi.ExecutorBackendProvider;
    uses dev.ergon.spi.FilerProvider;
    uses dev.ergon.spi.EventBusProvider;
    uses dev.ergon.spi.LanguageAdapterProvider;
}
