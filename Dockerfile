# ClickPredict images: one build stage, two service targets.
#   docker build --target bidder  -t clickpredict-bidder  .
#   docker build --target trainer -t clickpredict-trainer .
# Config lives in /app/config (mount your own over it: -v $PWD/config:/app/config:ro); the model
# registry and the trainer's state live in /app/models/registry and /app/state (mount volumes there,
# shared by bidders and the trainer for the registry). Point Kafka:BootstrapServers (environment:
# Kafka__BootstrapServers) at your cluster; the default, "embedded", is for one-machine demos.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Build inputs only: the shared props and package versions, then the sources.
COPY Directory.Build.props Directory.Packages.props .editorconfig ClickPredict.sln ./
COPY src/ src/
RUN dotnet publish src/ClickPredict.Bidder/ClickPredict.Bidder.csproj -c Release -o /out/bidder \
 && dotnet publish src/ClickPredict.Trainer/ClickPredict.Trainer.csproj -c Release -o /out/trainer

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
# curl for the health checks only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY config/ /app/config/
COPY models/default.cpm /app/models/default.cpm
RUN mkdir -p /app/models/registry /app/models/winrate /app/state && chown -R app:app /app/models /app/state
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_gcServer=1
EXPOSE 8080
# The non-root user the .NET images provide (uid 1654).
USER app

FROM runtime AS bidder
COPY --from=build /out/bidder /app/
HEALTHCHECK --interval=10s --timeout=2s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["dotnet", "/app/ClickPredict.Bidder.dll"]

FROM runtime AS trainer
COPY --from=build /out/trainer /app/
HEALTHCHECK --interval=10s --timeout=2s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "/app/ClickPredict.Trainer.dll"]
