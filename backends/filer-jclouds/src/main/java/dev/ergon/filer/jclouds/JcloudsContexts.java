package dev.ergon.filer.jclouds;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.s3.filters.Aws4SignerBase;
import org.jclouds.s3.reference.S3Constants;

/** Builds one jclouds {@link BlobStoreContext} for a {@link StoreConfig}. */
final class JcloudsContexts {
    private JcloudsContexts() {}

    /**
     * A context for {@code store}. Builds the client only: nothing is sent until the first
     * request, so wrong credentials show up then.
     *
     * @throws ErgonException INVALID_INPUT naming the store's keys when jclouds refuses the settings
     */
    static BlobStoreContext build(StoreConfig store, JcloudsFilerConfig config) {
        Properties p = new Properties();
        p.setProperty(
                Constants.PROPERTY_CONNECTION_TIMEOUT,
                Long.toString(config.connectTimeout().toMillis()));
        p.setProperty(
                Constants.PROPERTY_SO_TIMEOUT,
                Long.toString(config.readTimeout().toMillis()));
        p.setProperty(Constants.PROPERTY_MAX_RETRIES, Integer.toString(config.maxRetries()));
        // jclouds' S3 API relaxes TLS host name checks by default (for bucket names with dots in
        // virtual-host style); we keep them strict.
        p.setProperty(Constants.PROPERTY_RELAX_HOSTNAME, "false");
        p.setProperty(Constants.PROPERTY_LOGGER_WIRE_LOG_SENSITIVE_INFO, "false");
        List<Module> modules = new ArrayList<>();
        ContextBuilder b = ContextBuilder.newBuilder(store.kind().jcloudsProvider())
                .credentials(store.identity(), store.credential());
        switch (store.kind()) {
            case S3 -> {
                p.setProperty(S3Constants.PROPERTY_S3_VIRTUAL_HOST_BUCKETS, Boolean.toString(!store.pathStyle()));
                p.setProperty(S3Constants.PROPERTY_SIGNER_VERSION, Integer.toString(store.signatureVersion()));
                String endpoint = store.endpoint()
                        .map(u -> stripTrailingSlash(u.toString()))
                        .orElseGet(() -> store.region()
                                .map(r -> "https://s3." + r + ".amazonaws.com")
                                .orElse("https://s3.amazonaws.com"));
                b.endpoint(endpoint);
                store.region().ifPresent(r -> modules.add(new FixedRegion(r)));
                if (store.signatureVersion() == 4 && !store.signPayload()) {
                    modules.add(new UnsignedPayloadSigner.Module());
                }
            }
            case GS, AZURE, SWIFT -> store.endpoint().ifPresent(u -> b.endpoint(u.toString()));
        }
        store.properties().forEach(p::setProperty);
        try {
            return b.overrides(p).modules(modules).buildView(BlobStoreContext.class);
        } catch (RuntimeException e) {
            // jclouds' message may quote settings; name the keys, not the values.
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT,
                    store.credentialKeys(),
                    "cannot set up " + store.describe() + " (check " + store.credentialKeys() + " and the other "
                            + JcloudsFilerConfig.PREFIX + store.kind().configName() + ".* keys): "
                            + e.getClass().getSimpleName(),
                    null);
        }
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * Signs S3 requests for a configured region. jclouds otherwise derives the region from the
     * host name, which works for AWS host names only.
     */
    private static final class FixedRegion extends AbstractModule {
        private final String region;

        FixedRegion(String region) {
            this.region = region;
        }

        @Override
        protected void configure() {
            bind(Aws4SignerBase.ServiceAndRegion.class).toInstance(new Aws4SignerBase.ServiceAndRegion() {
                @Override
                public String service() {
                    return "s3";
                }

                @Override
                public String region(String host) {
                    return region;
                }
            });
        }
    }
}
