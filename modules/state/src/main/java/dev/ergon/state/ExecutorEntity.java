package dev.ergon.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One executor of a task, with its log (tesExecutorLog). Not thread-safe (an entity). */
@Entity
@Table(name = "task_executor")
@IdClass(ExecutorKey.class)
public class ExecutorEntity {
    @Id
    @ManyToOne
    @JoinColumn(name = "task_id")
    private TaskEntity task;

    @Id
    @Column(name = "idx")
    private int index;

    @Column(name = "image", nullable = false)
    private String image;

    @Column(name = "command", nullable = false)
    private String commandJson;

    @Column(name = "workdir")
    private String workdir;

    @Column(name = "stdin")
    private String stdin;

    @Column(name = "stdout")
    private String stdout;

    @Column(name = "stderr")
    private String stderr;

    @Column(name = "env", nullable = false)
    private String envJson = "{}";

    @Column(name = "ignore_error", nullable = false)
    private boolean ignoreError;

    @Column(name = "start_time")
    private OffsetDateTime startTime;

    @Column(name = "end_time")
    private OffsetDateTime endTime;

    @Column(name = "exit_code")
    private Integer exitCode;

    @Column(name = "stdout_tail")
    private String stdoutTail;

    @Column(name = "stderr_tail")
    private String stderrTail;

    public TaskEntity getTask() {
        return task;
    }

    public void setTask(TaskEntity task) {
        this.task = task;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getCommandJson() {
        return commandJson;
    }

    public void setCommandJson(String commandJson) {
        this.commandJson = commandJson;
    }

    public String getWorkdir() {
        return workdir;
    }

    public void setWorkdir(String workdir) {
        this.workdir = workdir;
    }

    public String getStdin() {
        return stdin;
    }

    public void setStdin(String stdin) {
        this.stdin = stdin;
    }

    public String getStdout() {
        return stdout;
    }

    public void setStdout(String stdout) {
        this.stdout = stdout;
    }

    public String getStderr() {
        return stderr;
    }

    public void setStderr(String stderr) {
        this.stderr = stderr;
    }

    public String getEnvJson() {
        return envJson;
    }

    public void setEnvJson(String envJson) {
        this.envJson = envJson;
    }

    public boolean isIgnoreError() {
        return ignoreError;
    }

    public void setIgnoreError(boolean ignoreError) {
        this.ignoreError = ignoreError;
    }

    public OffsetDateTime getStartTime() {
        return startTime;
    }

    public OffsetDateTime getEndTime() {
        return endTime;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public String getStdoutTail() {
        return stdoutTail;
    }

    public String getStderrTail() {
        return stderrTail;
    }
}
