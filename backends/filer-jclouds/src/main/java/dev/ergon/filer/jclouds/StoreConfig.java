package dev.ergon.filer.jclouds;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How to reach one object store: one jclouds context is built per distinct value. {@link
 * #toString()} never shows the credential.
 *
 * @param kind which store
 * @param endpoint where it is; empty for the provider's default (AWS, Google, Azure)
 * @param identity the access key id, service-account e-mail, storage account or Keystone user
 * @param credential the secret: secret access key, private key, account key or SAS token, password
 * @param region the region (S3 signing and AWS endpoint, Swift region), if any
 * @param pathStyle S3 only: {@code http://endpoint/bucket/key} rather than {@code http://bucket.endpoint/key}
 * @param signatureVersion S3 only: AWS signature version 2 or 4
 * @param signPayload S3 signature v4 only: whether request bodies are hashed into the signature
 *     ({@code x-amz-content-sha256}); when not, they are sent as {@code UNSIGNED-PAYLOAD} and their
 *     integrity rests on TLS and Ergon's MD5 checks
 * @param properties further jclouds properties (e.g. the OAuth token endpoint, the Keystone version)
 * @param credentialKeys the config keys that hold the identity and credential, for error messages,
 *     e.g. {@code ergon.filer.jclouds.s3.identity/credential}
 */
record StoreConfig(
        StoreKind kind,
        Optional<URI> endpoint,
        String identity,
        String credential,
        Optional<String> region,
        boolean pathStyle,
        int signatureVersion,
        boolean signPayload,
        Map<String, String> properties,
        String credentialKeys) {

    StoreConfig {
        requireNonNull(kind, "kind is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(identity, "identity is null");
        requireNonNull(credential, "credential is null");
        requireNonNull(region, "region is null");
        properties = Map.copyOf(properties);
        requireNonNull(credentialKeys, "credentialKeys is null");
    }

    /** Where requests go, for log lines: the endpoint or the provider's default. */
    String describe() {
        StringBuilder sb = new StringBuilder(kind.configName()).append(" at ");
        sb.append(endpoint.map(URI::toString).orElse("the provider's default endpoint"));
        region.ifPresent(r -> sb.append(", region ").append(r));
        if (kind == StoreKind.S3) {
            sb.append(pathStyle ? ", path-style" : ", virtual-host buckets")
                    .append(", signature v")
                    .append(signatureVersion);
            if (signatureVersion == 4) {
                sb.append(signPayload ? ", payload signed" : ", payload unsigned");
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "StoreConfig[" + describe() + ", properties=" + new TreeMap<>(properties) + ", credential=***]";
    }
}
