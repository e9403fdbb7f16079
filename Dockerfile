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
# Configure with ZooKeeper__ConnectString, Cluster__NodeId and Cluster__AdvertisedUrl.
ENTRYPOINT ["dotnet", "ClusterDashboard.dll"]
