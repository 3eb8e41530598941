# podstep images: drop-in replacements for Tekton's entrypoint and nop images.
#
#   buildah build --target entrypoint        -t podstep/entrypoint .
#   buildah build --target nop               -t podstep/nop .
#   buildah build --target sidecarlogresults -t podstep/sidecarlogresults .
#   buildah build --target workingdirinit    -t podstep/workingdirinit .
#
# Multi-arch (linux/amd64, linux/arm64): the builder always runs on the build
# machine's platform and cross-compiles for TARGETARCH (cmake/*.cmake), so
# no compiler runs under emulation:
#
#   buildah build --manifest podstep/entrypoint --platform linux/amd64,linux/arm64 \
#     --target entrypoint .
#
# BASE_IMAGE selects the builder (pin it by digest for reproducible builds,
# e.g. docker.io/library/debian:bookworm-slim@sha256:<digest>).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS builder
ARG TARGETARCH
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN ./scripts/install-deps.sh --target-arch "${TARGETARCH:-}" && rm -rf /var/lib/apt/lists/*
COPY . .
# The binaries link against musl (cmake/x86_64-linux-musl.cmake: a
# quarter of the start-up time of static glibc); arm64 ones are cross-built
# the same way (cmake/aarch64-linux-musl.cmake, with the arm64 libc++ that
# install-deps.sh unpacked). Built for this machine, they are smoke-tested;
# otherwise checked to be ELF files for the target machine (e_machine,
# bytes 18-19).
RUN host=$(dpkg --print-architecture) target=${TARGETARCH:-$(dpkg --print-architecture)} \
 && case "$host/$target" in \
      amd64/amd64) toolchain=cmake/x86_64-linux-musl.cmake ;; \
      */"$host") toolchain="" ;; \
      */arm64) toolchain=cmake/aarch64-linux-musl.cmake machine="b7 00" ;; \
      *) echo "no cross toolchain for TARGETARCH=$TARGETARCH (see cmake/)" >&2; exit 1 ;; \
    esac \
 && cmake -S . -B /build ${toolchain:+--toolchain "$toolchain"} -DCMAKE_BUILD_TYPE=Release \
      -DPODSTEP_STATIC=ON -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF \
 && cmake --build /build -j "$(nproc)" --target entrypoint nop stepinit sidecarlogresults workingdirinit \
 && mkdir -p /out \
 && install -m 0755 /build/bin/entrypoint /build/bin/nop /build/bin/stepinit \
      /build/bin/sidecarlogresults /build/bin/workingdirinit /out/ \
 && if [ "$target" = "$host" ]; then /out/entrypoint --version && /out/nop; \
    else for f in /out/*; do \
      [ "$(od -An -tx1 -j18 -N2 "$f" | tr -s ' ' | sed 's/^ //')" = "$machine" ] \
        || { echo "$f is not a $TARGETARCH binary" >&2; exit 1; }; done; fi

# The entrypoint image: the controller runs `/ko-app/entrypoint init …` in
# the `prepare` init container, which copies the binary into /tekton/bin.
FROM scratch AS entrypoint
ARG TARGETARCH
LABEL org.opencontainers.image.title="podstep-entrypoint" \
      org.opencontainers.image.description="Drop-in C++ replacement for Tekton Pipelines' entrypoint" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/entrypoint /ko-app/entrypoint
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/ko-app/entrypoint"]

# The nop image must contain nothing but /ko-app/nop: the controller stops a
# sidecar by swapping its image for this one, relying on the sidecar's own
# command (a shell, say) failing to start here.
FROM scratch AS nop
ARG TARGETARCH
LABEL org.opencontainers.image.title="podstep-nop" \
      org.opencontainers.image.description="Drop-in replacement for Tekton Pipelines' nop image" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/nop /ko-app/nop
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/ko-app/nop"]

# The results sidecar of `results-from: sidecar-logs` (the controller's
# -sidecarlogresults-image); it prints results as JSON lines on stdout.
FROM scratch AS sidecarlogresults
ARG TARGETARCH
LABEL org.opencontainers.image.title="podstep-sidecarlogresults" \
      org.opencontainers.image.description="Drop-in C++ replacement for Tekton Pipelines' sidecarlogresults" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/sidecarlogresults /ko-app/sidecarlogresults
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/ko-app/sidecarlogresults"]

# The `working-dir-initializer` init container (the controller's
# -workingdirinit-image): creates the steps' workingDirs under /workspace.
FROM scratch AS workingdirinit
ARG TARGETARCH
LABEL org.opencontainers.image.title="podstep-workingdirinit" \
      org.opencontainers.image.description="Drop-in C++ replacement for Tekton Pipelines' workingdirinit" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/workingdirinit /ko-app/workingdirinit
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/ko-app/workingdirinit"]
