package dev.ergon.state;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One TES task row. TES sub-objects that are written once and read whole (inputs, outputs,
 * resources, tags, logs) are JSON text in {@code jsonb} columns; executors have their own table
 * because their logs are written one by one as they run. Not thread-safe (an entity).
 */
@Entity
@Table(name = "task")
public class TaskEntity {
    @Id
    @Column(name = "id")
    private String id;

    /** Insertion order, assigned by the database; used for keyset paging. */
    @Column(name = "seq", insertable = false, updatable = false)
    private Long seq;

    @Column(name = "name")
    private String name;

    @Column(name = "description")
    private String description;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false)
    private TaskState state;

    @Column(name = "creation_time", nullable = false)
    private OffsetDateTime creationTime;

    @Column(name = "start_time")
    private OffsetDateTime startTime;

    @Column(name = "end_time")
    private OffsetDateTime endTime;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    @Column(name = "resources")
    private String resourcesJson;

    @Column(name = "inputs", nullable = false)
    private String inputsJson = "[]";

    @Column(name = "outputs", nullable = false)
    private String outputsJson = "[]";

    @Column(name = "volumes", nullable = false)
    private String volumesJson = "[]";

    @Column(name = "tags", nullable = false)
    private String tagsJson = "{}";

    @Column(name = "system_logs", nullable = false)
    private String systemLogsJson = "[]";

    @Column(name = "output_logs", nullable = false)
    private String outputLogsJson = "[]";

    @Column(name = "backend")
    private String backend;

    @Column(name = "backend_ref")
    private String backendRef;

    @Column(name = "submitted_at")
    private OffsetDateTime submittedAt;

    @Column(name = "lease_owner")
    private String leaseOwner;

    @Column(name = "lease_expires")
    private OffsetDateTime leaseExpires;

    @OneToMany(mappedBy = "task", cascade = CascadeType.PERSIST)
    @OrderBy("index ASC")
    private List<ExecutorEntity> executors = new ArrayList<>();

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Long getSeq() {
        return seq;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public TaskState getState() {
        return state;
    }

    public void setState(TaskState state) {
        this.state = state;
    }

    public OffsetDateTime getCreationTime() {
        return creationTime;
    }

    public void setCreationTime(OffsetDateTime creationTime) {
        this.creationTime = creationTime;
    }

    public OffsetDateTime getStartTime() {
        return startTime;
    }

    public OffsetDateTime getEndTime() {
        return endTime;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(OffsetDateTime updatedAt) {
        this.updatedAt = updatedAt;
    }

    public String getResourcesJson() {
        return resourcesJson;
    }

    public void setResourcesJson(String resourcesJson) {
        this.resourcesJson = resourcesJson;
    }

    public String getInputsJson() {
        return inputsJson;
    }

    public void setInputsJson(String inputsJson) {
        this.inputsJson = inputsJson;
    }

    public String getOutputsJson() {
        return outputsJson;
    }

    public void setOutputsJson(String outputsJson) {
        this.outputsJson = outputsJson;
    }

    public String getVolumesJson() {
        return volumesJson;
    }

    public void setVolumesJson(String volumesJson) {
        this.volumesJson = volumesJson;
    }

    public String getTagsJson() {
        return tagsJson;
    }

    public void setTagsJson(String tagsJson) {
        this.tagsJson = tagsJson;
    }

    public String getSystemLogsJson() {
        return systemLogsJson;
    }

    public String getOutputLogsJson() {
        return outputLogsJson;
    }

    public String getBackend() {
        return backend;
    }

    public String getBackendRef() {
        return backendRef;
    }

    public OffsetDateTime getSubmittedAt() {
        return submittedAt;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public OffsetDateTime getLeaseExpires() {
        return leaseExpires;
    }

    public List<ExecutorEntity> getExecutors() {
        return executors;
    }

    public void setExecutors(List<ExecutorEntity> executors) {
        this.executors = executors;
    }
}
