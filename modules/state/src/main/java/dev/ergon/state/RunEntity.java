package dev.ergon.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * One WES run row: the request as sent (JSON objects as text in {@code jsonb} columns), the
 * adapter and storage folder that run it, its state, outputs and system logs. State changes are
 * conditional bulk UPDATEs in {@link RunStore}. Not thread-safe (an entity).
 */
@Entity
@Table(name = "run")
public class RunEntity {
    @Id
    @Column(name = "id")
    private String id;

    @Column(name = "seq", insertable = false, updatable = false)
    private Long seq;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false)
    private RunState state;

    @Column(name = "workflow_type", nullable = false)
    private String workflowType;

    @Column(name = "workflow_type_version", nullable = false)
    private String workflowTypeVersion;

    @Column(name = "workflow_url", nullable = false)
    private String workflowUrl;

    @Column(name = "workflow_engine")
    private String workflowEngine;

    @Column(name = "workflow_engine_version")
    private String workflowEngineVersion;

    @Column(name = "workflow_params", nullable = false)
    private String workflowParamsJson = "{}";

    @Column(name = "engine_parameters", nullable = false)
    private String engineParametersJson = "{}";

    @Column(name = "tags", nullable = false)
    private String tagsJson = "{}";

    @Column(name = "adapter", nullable = false)
    private String adapter;

    @Column(name = "storage", nullable = false)
    private String storage;

    @Column(name = "creation_time", nullable = false)
    private OffsetDateTime creationTime;

    @Column(name = "start_time")
    private OffsetDateTime startTime;

    @Column(name = "end_time")
    private OffsetDateTime endTime;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    @Column(name = "outputs", nullable = false)
    private String outputsJson = "{}";

    @Column(name = "system_logs", nullable = false)
    private String systemLogsJson = "[]";

    @Column(name = "lease_owner")
    private String leaseOwner;

    @Column(name = "lease_expires")
    private OffsetDateTime leaseExpires;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Long getSeq() {
        return seq;
    }

    public RunState getState() {
        return state;
    }

    public void setState(RunState state) {
        this.state = state;
    }

    public String getWorkflowType() {
        return workflowType;
    }

    public void setWorkflowType(String workflowType) {
        this.workflowType = workflowType;
    }

    public String getWorkflowTypeVersion() {
        return workflowTypeVersion;
    }

    public void setWorkflowTypeVersion(String workflowTypeVersion) {
        this.workflowTypeVersion = workflowTypeVersion;
    }

    public String getWorkflowUrl() {
        return workflowUrl;
    }

    public void setWorkflowUrl(String workflowUrl) {
        this.workflowUrl = workflowUrl;
    }

    public String getWorkflowEngine() {
        return workflowEngine;
    }

    public void setWorkflowEngine(String workflowEngine) {
        this.workflowEngine = workflowEngine;
    }

    public String getWorkflowEngineVersion() {
        return workflowEngineVersion;
    }

    public void setWorkflowEngineVersion(String workflowEngineVersion) {
        this.workflowEngineVersion = workflowEngineVersion;
    }

    public String getWorkflowParamsJson() {
        return workflowParamsJson;
    }

    public void setWorkflowParamsJson(String workflowParamsJson) {
        this.workflowParamsJson = workflowParamsJson;
    }

    public String getEngineParametersJson() {
        return engineParametersJson;
    }

    public void setEngineParametersJson(String engineParametersJson) {
        this.engineParametersJson = engineParametersJson;
    }

    public String getTagsJson() {
        return tagsJson;
    }

    public void setTagsJson(String tagsJson) {
        this.tagsJson = tagsJson;
    }

    public String getAdapter() {
        return adapter;
    }

    public void setAdapter(String adapter) {
        this.adapter = adapter;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
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

    public String getOutputsJson() {
        return outputsJson;
    }

    public String getSystemLogsJson() {
        return systemLogsJson;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public OffsetDateTime getLeaseExpires() {
        return leaseExpires;
    }
}
