"""Pure algorithms (no Django): scoring, allocation, geo, custody chain, simulator."""
