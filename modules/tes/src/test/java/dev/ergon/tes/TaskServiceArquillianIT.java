package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CDI beans in a container (Arquillian + embedded Weld), without HTTP: TaskService injected
 * with the runtime it needs, against a real PostgreSQL.
 */
@ExtendWith(ArquillianExtension.class)
class TaskServiceArquillianIT {
    static {
        TestDatabase.get();
    }

    @Deployment
    static JavaArchive deployment() {
        return ShrinkWrap.create(JavaArchive.class)
                .addClasses(ErgonRuntime.class, TaskService.class, Controller.class)
                .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Inject
    TaskService tasks;

    @Inject
    ErgonRuntime runtime;

    @Test
    void createGetListAndCancelThroughInjectedBeans() {
        String id = tasks.create("{\"name\": \"cdi\", \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]}");
        JsonObject t = tasks.get(id, "BASIC");
        assertEquals("cdi", t.getString("name"));
        assertEquals("QUEUED", t.getString("state"));
        JsonObject page = tasks.list("cdi", "QUEUED", java.util.List.of(), java.util.List.of(), 10, null, "MINIMAL");
        assertEquals(id, page.getJsonArray("tasks").getJsonObject(0).getString("id"));
        tasks.cancel(id);
        assertEquals("CANCELED", tasks.get(id, null).getString("state"));
        assertEquals("counting", runtime.backendName());
    }

    @Test
    void unknownTaskIsNotFound() {
        ErgonException e = assertThrows(ErgonException.class, () -> tasks.get("missing", null));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
    }
}
