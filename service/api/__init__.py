"""JSON API routers, one module per resource; ``service.app`` includes them all."""
