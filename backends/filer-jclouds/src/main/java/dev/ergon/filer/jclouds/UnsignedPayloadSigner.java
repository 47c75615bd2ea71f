package dev.ergon.filer.jclouds;

import com.google.common.base.Supplier;
import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import jakarta.inject.Named;
import java.util.Date;
import org.jclouds.aws.reference.AWSConstants;
import org.jclouds.crypto.Crypto;
import org.jclouds.date.TimeStamp;
import org.jclouds.domain.Credentials;
import org.jclouds.http.HttpRequest;
import org.jclouds.http.internal.SignatureWire;
import org.jclouds.location.Provider;
import org.jclouds.s3.filters.Aws4SignerBase;
import org.jclouds.s3.filters.Aws4SignerForAuthorizationHeader;
import org.jclouds.s3.reference.S3Constants;

/**
 * AWS signature v4 without hashing the body: a request with a body is signed with {@code
 * x-amz-content-sha256: UNSIGNED-PAYLOAD}, which S3 and S3-compatible servers accept. jclouds
 * otherwise reads every upload (each part) once more just to compute its SHA-256, which costs
 * more than sending it. The headers, Content-MD5 included, stay signed; the bytes are protected
 * by TLS and by the filer's MD5 checks (Content-MD5 on single uploads, part ETags on multipart
 * ones). Chosen per store by {@code s3.sign-payload}; see {@link StoreConfig#signPayload()}.
 */
final class UnsignedPayloadSigner extends Aws4SignerForAuthorizationHeader {
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    @Inject
    UnsignedPayloadSigner(
            SignatureWire signatureWire,
            @Named(S3Constants.PROPERTY_S3_VIRTUAL_HOST_BUCKETS) boolean isVhostStyle,
            @Named(AWSConstants.PROPERTY_HEADER_TAG) String headerTag,
            @Provider Supplier<Credentials> creds,
            @TimeStamp Supplier<Date> timestampProvider,
            Aws4SignerBase.ServiceAndRegion serviceAndRegion,
            Crypto crypto) {
        super(signatureWire, isVhostStyle, headerTag, creds, timestampProvider, serviceAndRegion, crypto);
    }

    @Override
    protected String getPayloadHash(HttpRequest request) {
        // Requests without a body keep the hash of nothing, as jclouds computes it.
        return request.getPayload() == null ? super.getPayloadHash(request) : UNSIGNED_PAYLOAD;
    }

    /** Makes jclouds' S3 API sign with {@link UnsignedPayloadSigner}. */
    static final class Module extends AbstractModule {
        @Override
        protected void configure() {
            bind(Aws4SignerForAuthorizationHeader.class).to(UnsignedPayloadSigner.class);
        }
    }
}
