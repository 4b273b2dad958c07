# The Pave image: the `pave` command line, whose `pave operator` runs the operator and its
# admission webhook (deploy/install/pave.yaml starts it that way).
#   docker build -t registry.example.com/platform/pave:0.1.0 .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl pave-cli -am package

FROM eclipse-temurin:17-jre
COPY --from=build /src/pave-cli/target/pave.jar /opt/pave/pave.jar
# Non-root, numeric, so Pod Security "restricted" admits it; the root filesystem is read-only
# in the Deployment, with /tmp an emptyDir.
USER 65532:65532
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/pave/pave.jar"]
CMD ["operator", "--env", "prod"]
