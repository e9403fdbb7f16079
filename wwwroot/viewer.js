// What the page needs from the browser it runs in: the viewer's own time zone, so times read as the viewer's.
window.clusterDashboard = {
  utcOffsetMinutes: () => -new Date().getTimezoneOffset(),
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "",
};
