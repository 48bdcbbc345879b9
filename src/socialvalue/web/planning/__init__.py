"""Business-plan objectives and the activities that deliver them."""
