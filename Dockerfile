# Multi-stage build of the web host; the same thing ./run.sh builds with `dotnet publish`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ClusterDashboard/ClusterDashboard.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# The image's own unprivileged user (uid 1654), never root.
USER $APP_UID
# Liveness only (the process serves requests); readiness is /readyz. The image has no curl: bash's /dev/tcp asks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# Configure with ZooKeeper__ConnectString, ZooKeeper__Auth, Cluster__NodeId and Cluster__AdvertisedUrl. In a
# container the node refuses to start while ZooKeeper or its advertised URL would be this container's own loopback.
ENTRYPOINT ["dotnet", "ClusterDashboard.dll"]
