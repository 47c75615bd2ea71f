package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ProviderConfig;
import java.util.List;

/**
 * {@code ergon.adapter.dag.*}.
 *
 * @param image the image of a node that names none
 * @param maxNodes the most nodes a DAG may have
 * @param maxDocumentBytes the largest DAG document read from a URL or an attachment
 */
public record DagAdapterConfig(String image, int maxNodes, int maxDocumentBytes) {
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    "image", ConfigProperty.Type.STRING, "debian:bookworm-slim", "Image of a node that names none."),
            ConfigProperty.optional("max-nodes", ConfigProperty.Type.INT, "10000", "The most nodes a DAG may have."),
            ConfigProperty.optional(
                    "max-document-bytes", ConfigProperty.Type.INT, "4194304", "The largest DAG document accepted."));

    /** The defaults. */
    public static DagAdapterConfig defaults() {
        return from(ProviderConfig.empty());
    }

    static DagAdapterConfig from(ProviderConfig c) {
        return new DagAdapterConfig(
                c.getString("image", "debian:bookworm-slim"),
                c.getInt("max-nodes", 10_000),
                c.getInt("max-document-bytes", 4 * 1024 * 1024));
    }
}
