"""The office: where the programme office keeps the plan true. Login required; owns no models;
every change goes through ``plansicht.services``."""
