package dev.ergon.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ergon.spi.ConfigProperty;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every provider's discovery test: {@link ServiceLoader} finds it by name, its config keys are
 * documented, and its {@code module-info} {@code provides} clause and its {@code
 * META-INF/services} line agree (the server runs on the class path, where only the latter
 * counts).
 *
 * @param <P> the provider interface
 */
public abstract class ProviderDiscoveryContract<P> {
    /** The SPI's provider interface, e.g. {@code ExecutorBackendProvider.class}. */
    protected abstract Class<P> spi();

    /** The provider class under test. */
    protected abstract Class<? extends P> providerClass();

    /** The name it is chosen by. */
    protected abstract String expectedName();

    /** {@code name()} of a provider instance. */
    protected abstract String nameOf(P provider);

    /** {@code configProperties()} of a provider instance. */
    protected abstract List<ConfigProperty> configPropertiesOf(P provider);

    @Test
    public void serviceLoaderFindsTheProviderByName() {
        P found = null;
        for (P p : ServiceLoader.load(spi(), providerClass().getClassLoader())) {
            if (expectedName().equals(nameOf(p))) {
                found = p;
            }
        }
        assertNotNull(found, "ServiceLoader found no " + spi().getSimpleName() + " named '" + expectedName() + "'");
        assertEquals(providerClass(), found.getClass());
    }

    @Test
    public void configPropertiesAreDocumented() {
        P p = instance();
        Set<String> keys = new HashSet<>();
        for (ConfigProperty c : configPropertiesOf(p)) {
            assertFalse(c.doc().isBlank(), "config key " + c.key() + " has no doc");
            assertTrue(c.key().matches("[a-z0-9]+([.-][a-z0-9]+)*"), "config key '" + c.key() + "' is not kebab-case");
            assertTrue(keys.add(c.key()), "config key " + c.key() + " listed twice");
            assertFalse(c.required() && c.defaultValue().isPresent(), c.key() + " is required and has a default");
        }
    }

    @Test
    public void servicesFileAndModuleInfoAgree() throws IOException {
        String resource = "META-INF/services/" + spi().getName();
        Set<String> lines = new HashSet<>();
        Enumeration<URL> urls = providerClass().getClassLoader().getResources(resource);
        while (urls.hasMoreElements()) {
            try (InputStream in = urls.nextElement().openStream();
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines()
                        .map(l -> l.replaceAll("#.*", "").trim())
                        .filter(l -> !l.isEmpty())
                        .forEach(lines::add);
            }
        }
        assertTrue(
                lines.contains(providerClass().getName()),
                resource + " does not list " + providerClass().getName());
        Module module = providerClass().getModule();
        ModuleDescriptor descriptor = module.getDescriptor();
        if (descriptor == null) {
            // Tests on the class path: read the compiled module-info next to the class instead.
            descriptor = readModuleInfo();
            if (descriptor == null) {
                fail("no module-info.class found beside " + providerClass().getName());
            }
        }
        boolean provided = descriptor.provides().stream()
                .anyMatch(p -> p.service().equals(spi().getName())
                        && p.providers().contains(providerClass().getName()));
        assertTrue(
                provided,
                "module-info of " + descriptor.name() + " has no 'provides " + spi().getName() + " with "
                        + providerClass().getName() + "'");
    }

    private ModuleDescriptor readModuleInfo() throws IOException {
        URL location = providerClass().getProtectionDomain().getCodeSource().getLocation();
        String base = location.toString();
        URL moduleInfo = base.endsWith(".jar")
                ? new URL("jar:" + base + "!/module-info.class")
                : new URL(base + (base.endsWith("/") ? "" : "/") + "module-info.class");
        try (InputStream in = moduleInfo.openStream()) {
            return ModuleDescriptor.read(in);
        } catch (IOException e) {
            return null;
        }
    }

    private P instance() {
        try {
            return providerClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(providerClass() + " needs a public no-argument constructor for ServiceLoader", e);
        }
    }
}
