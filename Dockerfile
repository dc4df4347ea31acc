# stackwatch-exporter and stackwatch-ruler, built on Debian 12 against Debian's own libraries and
# shipped in a slim image of the same release that carries only their runtime libraries.
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      prometheus-cpp-dev libcivetweb-dev libyaml-cpp-dev libpqxx-dev libpq-dev libhiredis-dev \
      libcurl4-openssl-dev libspdlog-dev libboost-test-dev libre2-dev libsqlite3-dev \
      nlohmann-json3-dev libssl-dev zlib1g-dev libcrypt-dev libcctz-dev libxxhash-dev \
      libprotobuf-dev protobuf-compiler libsnappy-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" --target stackwatch-exporter stackwatch-ruler

FROM debian:12-slim
# The libraries the two programs link (their own dependencies come along); curl serves the
# container health checks.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libprometheus-cpp-core1.0 libcivetweb1 libyaml-cpp0.7 libpqxx-6.4 libpq5 libhiredis0.14 \
      libcurl4 libspdlog1.10 libfmt9 libre2-9 libssl3 zlib1g libcrypt1 libsqlite3-0 libcctz2 \
      libxxhash0 libprotobuf32 libsnappy1v5 tzdata \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
# The TLS compatibility library is loaded from the programs' own directory, so it stays beside them.
COPY --from=build /src/build/bin/ /opt/stackwatch/bin/
COPY rules/ /etc/stackwatch/rules/
ENV PATH=/opt/stackwatch/bin:$PATH
RUN useradd --system --no-create-home --shell /usr/sbin/nologin stackwatch
USER stackwatch
EXPOSE 19187 19090
CMD ["stackwatch-exporter", "--config.file=/etc/stackwatch/exporter.yml"]
