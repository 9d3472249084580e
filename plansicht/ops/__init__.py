"""What operators need to run Plansicht: the health check for load balancers and the task
worker's heartbeat it reports."""
