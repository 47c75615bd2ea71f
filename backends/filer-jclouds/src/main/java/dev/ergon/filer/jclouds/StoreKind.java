package dev.ergon.filer.jclouds;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The object stores this filer reaches through jclouds, with their URL schemes and jclouds provider ids. */
enum StoreKind {
    /** Amazon S3 and S3-compatible servers, through jclouds' generic {@code s3} API. */
    S3("s3", "s3", List.of("s3")),
    /** Google Cloud Storage with a service-account key. */
    GS("gs", "google-cloud-storage", List.of("gs")),
    /** Azure Blob Storage with an account key or a SAS token. */
    AZURE("azure", "azureblob", List.of("azure", "az")),
    /** OpenStack Swift with Keystone authentication. */
    SWIFT("swift", "openstack-swift", List.of("swift"));

    private final String configName;
    private final String jcloudsProvider;
    private final List<String> schemes;

    StoreKind(String configName, String jcloudsProvider, List<String> schemes) {
        this.configName = configName;
        this.jcloudsProvider = jcloudsProvider;
        this.schemes = schemes;
    }

    /** The segment of its config keys: {@code ergon.filer.jclouds.<configName>.identity}. */
    String configName() {
        return configName;
    }

    /** The jclouds provider or API id. */
    String jcloudsProvider() {
        return jcloudsProvider;
    }

    /** The URL schemes it serves. */
    List<String> schemes() {
        return schemes;
    }

    /** The kind serving {@code scheme}, if any. */
    static Optional<StoreKind> forScheme(String scheme) {
        String s = scheme.toLowerCase(Locale.ROOT);
        for (StoreKind k : values()) {
            if (k.schemes.contains(s)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
