package com.pb.synth.tradecapture.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.UUID;

/** This instance's name in events and meters: configured, else the host name (the pod name on Kubernetes). */
@ApplicationScoped
public class InstanceId {

    private final String value;

    public InstanceId(CaptureConfig config) {
        this.value = config.instanceId().orElseGet(InstanceId::hostName);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "instance-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    public String value() {
        return value;
    }
}
